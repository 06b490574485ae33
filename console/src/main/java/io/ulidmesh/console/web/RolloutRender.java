package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.ulidmesh.console.domain.LiveRollout;
import io.ulidmesh.console.domain.LiveRollout.Point;
import io.ulidmesh.console.domain.LiveRollout.Thresholds;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rollout pages' HTML, as pure functions of what the services answered. */
final class RolloutRender {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private RolloutRender() {
    }

    static String state(Rollout r) {
        return r.getState().name();
    }

    static String currentPhase(Rollout r) {
        int i = r.getCurrentPhase();
        return i >= 0 && i < r.getPhasesCount() ? r.getPhases(i).getName() : "—";
    }

    static String badge(String state) {
        return "<span class=\"badge s-" + esc(state.toLowerCase(Locale.ROOT)) + "\">" + esc(state) + "</span>";
    }

    static String list(List<Rollout> rollouts) {
        if (rollouts.isEmpty()) {
            return "<p>No rollouts yet. <a href=\"/rollouts/new\">Start one</a>.</p>";
        }
        StringBuilder b = new StringBuilder("<table class=\"grid\" id=\"rollouts\"><caption>Rollouts, newest first</caption><thead><tr>"
                + "<th scope=\"col\">Name</th><th scope=\"col\">State</th><th scope=\"col\">Current phase</th>"
                + "<th scope=\"col\">Updated (UTC)</th><th scope=\"col\">Id</th></tr></thead><tbody>");
        for (Rollout r : rollouts) {
            b.append("<tr data-id=\"").append(esc(r.getId())).append("\"><td><a href=\"/rollouts/").append(esc(r.getId())).append("\">")
                    .append(esc(r.getName())).append("</a></td><td>").append(badge(state(r))).append("</td><td>")
                    .append(esc(currentPhase(r))).append("</td><td>").append(time(r.getUpdatedAt())).append("</td><td class=\"mono\">")
                    .append(esc(r.getId())).append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** The part of the detail page that the live stream replaces. */
    static String live(LiveRollout live) {
        Rollout r = live.rollout();
        StringBuilder b = new StringBuilder(8192);
        b.append("<p class=\"status\">State <span id=\"rollout-state\" data-state=\"").append(esc(state(r))).append("\">")
                .append(badge(state(r))).append("</span> · current phase <strong id=\"current-phase\">").append(esc(currentPhase(r)))
                .append("</strong>");
        if (!r.getLastReason().isEmpty()) {
            b.append(" · last reason: <q id=\"last-reason\">").append(esc(r.getLastReason())).append("</q>");
        }
        b.append("</p>");
        timeline(b, r);
        flags(b, r, live.flags());
        migrations(b, r, live.migrations());
        signals(b, live.signalLines(), live.thresholds());
        events(b, live.events());
        return b.toString();
    }

    private static void timeline(StringBuilder b, Rollout r) {
        b.append("<section aria-labelledby=\"h-phases\"><h2 id=\"h-phases\">Phases</h2><ol class=\"timeline\">");
        for (int i = 0; i < r.getPhasesCount(); i++) {
            Phase p = r.getPhases(i);
            String state = p.getState().name().replaceFirst("^PHASE_", "");
            b.append("<li class=\"phase p-").append(esc(state.toLowerCase(Locale.ROOT))).append(i == r.getCurrentPhase() ? " current" : "")
                    .append("\" data-phase=\"").append(esc(p.getName())).append("\" data-state=\"").append(esc(state)).append("\">")
                    .append("<strong>").append(esc(p.getName())).append("</strong> <span class=\"badge\">").append(esc(state))
                    .append("</span><br><small>");
            if (p.getBakeSeconds() > 0) {
                b.append("bake ").append(p.getBakeSeconds()).append(" s");
            }
            if (p.getManualGate()) {
                b.append(" · manual gate");
            }
            if (p.hasStartedAt()) {
                b.append(" · started ").append(time(p.getStartedAt()));
            }
            if (p.hasFinishedAt()) {
                b.append(" · finished ").append(time(p.getFinishedAt()));
            }
            b.append("</small></li>");
        }
        b.append("</ol></section>");
    }

    private static void flags(StringBuilder b, Rollout r, Map<String, Flag> current) {
        b.append("<section aria-labelledby=\"h-flags\"><h2 id=\"h-flags\">Flags</h2>");
        if (current.isEmpty()) {
            b.append("<p>The plan sets no flags.</p></section>");
            return;
        }
        b.append("<table class=\"grid\" id=\"rollout-flags\"><thead><tr><th scope=\"col\">Flag</th><th scope=\"col\">Now</th>")
                .append("<th scope=\"col\">Per phase</th><th scope=\"col\">Version</th><th scope=\"col\">Changed by</th></tr></thead><tbody>");
        current.forEach((name, f) -> {
            StringBuilder plan = new StringBuilder();
            for (Phase p : r.getPhasesList()) {
                if (p.containsFlags(name)) {
                    plan.append(plan.length() == 0 ? "" : " → ").append(esc(p.getName())).append(": ").append(esc(p.getFlagsOrThrow(name)));
                }
            }
            b.append("<tr data-flag=\"").append(esc(name)).append("\"><td><a href=\"/flags/").append(esc(name)).append("\">").append(esc(name))
                    .append("</a></td><td class=\"value\">").append(f == null ? "absent" : esc(FlagRender.value(f))).append("</td><td>")
                    .append(plan).append("</td><td>").append(f == null ? "" : f.getVersion()).append("</td><td>")
                    .append(f == null ? "" : esc(f.getUpdatedBy())).append("</td></tr>");
        });
        b.append("</tbody></table></section>");
    }

    private static void migrations(StringBuilder b, Rollout r, Map<String, MigrationProgress> progress) {
        b.append("<section aria-labelledby=\"h-migrations\"><h2 id=\"h-migrations\">Migrations</h2>");
        boolean any = false;
        for (Phase p : r.getPhasesList()) {
            for (PhaseMigration m : p.getMigrationsList()) {
                if (!any) {
                    b.append("<ul class=\"migrations\">");
                    any = true;
                }
                String what = m.getTarget() + "." + m.getTable() + "." + m.getUlidColumn();
                MigrationProgress mp = progress.get(m.getMigrationId());
                b.append("<li><strong>").append(esc(what)).append("</strong> <small>(").append(esc(p.getName())).append(")</small> ");
                if (m.getMigrationId().isEmpty()) {
                    b.append("<span>not created yet</span>");
                } else if (mp == null) {
                    b.append("<a href=\"/migrations/").append(esc(m.getMigrationId())).append("\">").append(esc(m.getMigrationId())).append("</a>");
                } else {
                    progress(b, mp.getState().name(), mp.getRowsDone(), mp.getRowsTotal(), mp.getRowsPerSecond(), mp.getEtaSeconds(), what);
                }
                b.append("</li>");
            }
        }
        b.append(any ? "</ul>" : "<p>The plan runs no migrations.</p>").append("</section>");
    }

    /** A labelled progress bar with rows/s and the ETA. */
    static void progress(StringBuilder b, String state, long done, long total, double rate, long eta, String label) {
        long max = Math.max(total, 1);
        b.append(badge(state)).append(" <progress max=\"").append(max).append("\" value=\"").append(Math.min(done, max))
                .append("\" aria-label=\"").append(esc(label)).append(" backfill progress\"></progress> ")
                .append(done).append(" / ").append(total).append(" rows");
        if (rate > 0) {
            b.append(" · ").append(String.format(Locale.ROOT, "%.0f", rate)).append(" rows/s");
        }
        if (eta > 0) {
            b.append(" · ETA ").append(eta).append(" s");
        }
    }

    private static void signals(StringBuilder b, Map<String, List<Point>> lines, Map<String, Thresholds> thresholds) {
        b.append("<section aria-labelledby=\"h-signals\"><h2 id=\"h-signals\">Signals</h2>");
        if (lines.isEmpty()) {
            b.append("<p>No signal values yet (they appear while the rollout runs).</p></section>");
            return;
        }
        b.append("<div class=\"charts\">");
        lines.forEach((name, points) -> b.append(SignalChart.svg(name, points, thresholds.get(name))));
        b.append("</div></section>");
    }

    private static void events(StringBuilder b, List<RolloutEvent> events) {
        b.append("<section aria-labelledby=\"h-events\"><h2 id=\"h-events\">Events</h2><table class=\"grid\" id=\"events\">")
                .append("<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Time (UTC)</th><th scope=\"col\">What</th>")
                .append("<th scope=\"col\">Phase</th><th scope=\"col\">Message</th><th scope=\"col\">Actor</th></tr></thead><tbody>");
        for (RolloutEvent e : events) {
            b.append("<tr data-type=\"").append(esc(e.getType().name())).append("\"><td>").append(e.getSequence()).append("</td><td>")
                    .append(time(e.getAt())).append("</td><td>").append(esc(e.getType().name().replaceFirst("^EVENT_", "")))
                    .append("</td><td>").append(esc(e.getPhase())).append("</td><td class=\"message\">").append(esc(e.getMessage()))
                    .append("</td><td class=\"actor\">").append(esc(e.getActor())).append("</td></tr>");
        }
        b.append("</tbody></table></section>");
    }

    static String time(com.google.protobuf.Timestamp t) {
        return t.getSeconds() == 0 ? "" : TIME.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
    }
}
