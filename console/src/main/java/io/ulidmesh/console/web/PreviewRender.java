package io.ulidmesh.console.web;

import static io.ulidmesh.console.web.Html.esc;

import io.ulidmesh.proto.rollout.v1.FlagChange;
import io.ulidmesh.proto.rollout.v1.MigrationPreview;
import io.ulidmesh.proto.rollout.v1.PhasePreview;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.RolloutPreview;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;

/** The controller's whole-plan dry run (PreviewRollout) as HTML: per phase, then signals and readiness. */
final class PreviewRender {
    private PreviewRender() {
    }

    static String preview(RolloutPreview p) {
        StringBuilder b = new StringBuilder("<p id=\"lint-ok\">The plan parses: no problems.</p>")
                .append("<section id=\"preview\" aria-labelledby=\"h-preview\"><h3 id=\"h-preview\">Dry run of ").append(esc(p.getName()))
                .append(": nothing was created or changed</h3>");
        int n = 0;
        for (PhasePreview phase : p.getPhasesList()) {
            b.append(phase(++n, phase));
        }
        b.append(signals(p)).append(readiness(p.getReadiness()));
        return b.append("</section>").toString();
    }

    private static String phase(int n, PhasePreview phase) {
        StringBuilder b = new StringBuilder("<div class=\"card phase-preview\" data-phase=\"").append(esc(phase.getName())).append("\"><h4>Phase ")
                .append(n).append(": ").append(esc(phase.getName())).append("</h4>");
        if (phase.getFlagsCount() > 0) {
            b.append("<table class=\"grid preview-flags\"><caption>Flags</caption><thead><tr><th scope=\"col\">Flag</th><th scope=\"col\">Before</th>")
                    .append("<th scope=\"col\">After</th></tr></thead><tbody>");
            for (FlagChange f : phase.getFlagsList()) {
                b.append("<tr data-flag=\"").append(esc(f.getName())).append("\"><td class=\"mono\">").append(esc(f.getName()))
                        .append("</td><td class=\"before\">").append(before(f)).append("</td><td class=\"after\">").append(esc(f.getAfter()))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        if (phase.getMigrationsCount() > 0) {
            b.append("<table class=\"grid preview-migrations\"><caption>Migrations</caption><thead><tr><th scope=\"col\">Target</th>")
                    .append("<th scope=\"col\">Table</th><th scope=\"col\">Steps</th><th scope=\"col\">Estimate</th></tr></thead><tbody>");
            for (MigrationPreview m : phase.getMigrationsList()) {
                b.append("<tr data-table=\"").append(esc(m.getTable())).append("\"><td>").append(esc(m.getTarget())).append("</td><td class=\"mono\">")
                        .append(esc(m.getTable())).append("</td><td class=\"steps\">").append(esc(String.join(" → ", m.getStepsList())))
                        .append("</td><td class=\"estimate\">").append(esc(m.getEstimate())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        if (phase.getFlagsCount() == 0 && phase.getMigrationsCount() == 0) {
            b.append("<p>Changes nothing; bakes only.</p>");
        }
        return b.append("</div>").toString();
    }

    /** flag-service's value with its version, an earlier phase's value, absent, or why it was not read. */
    static String before(FlagChange f) {
        if (!f.getError().isEmpty()) {
            return "<span class=\"bad\">not read: " + esc(f.getError()) + "</span>";
        }
        if (!f.getSetByPhase().isEmpty()) {
            return esc(f.getBefore()) + " (set by phase " + esc(f.getSetByPhase()) + ")";
        }
        return esc(f.getBefore()) + (f.getBeforeVersion() > 0 ? " <span class=\"hint\">v" + f.getBeforeVersion() + "</span>" : "");
    }

    private static String signals(RolloutPreview p) {
        if (p.getSignalsCount() == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder("<table class=\"grid preview-signals\"><caption>Signals now against their rules</caption><thead><tr>")
                .append("<th scope=\"col\">Signal</th><th scope=\"col\">Now</th><th scope=\"col\">Rule</th><th scope=\"col\">Breached now</th>")
                .append("</tr></thead><tbody>");
        for (SignalHealth s : p.getSignalsList()) {
            String now = s.getHasValue() ? SignalChart.num(s.getValue()) : "no value" + (s.getDetail().isEmpty() ? "" : ": " + s.getDetail());
            if (s.getThresholdsCount() == 0) {
                b.append("<tr><td class=\"mono\">").append(esc(s.getName())).append("</td><td>").append(esc(now)).append("</td><td>—</td><td>—</td></tr>");
            }
            for (ThresholdHealth t : s.getThresholdsList()) {
                b.append("<tr data-signal=\"").append(esc(s.getName())).append("\"").append(t.getBreached() ? " class=\"bad\"" : "")
                        .append("><td class=\"mono\">").append(esc(s.getName()))
                        .append("</td><td>").append(esc(now)).append("</td><td>").append(esc(t.getRule())).append("</td><td>")
                        .append(t.getBreached() ? "yes: would roll back" : "no").append("</td></tr>");
            }
        }
        return b.append("</tbody></table>").toString();
    }

    /** The readiness checklist, as the Check shows it without a dry run. */
    static String readiness(ReadinessReport report) {
        StringBuilder b = new StringBuilder("<p>Readiness: <strong>").append(report.getReady() ? "ready" : "not ready").append("</strong></p><ul>");
        for (ReadinessCheck c : report.getChecksList()) {
            b.append("<li>").append(c.getPassed() ? "✔ " : "✘ ").append(esc(c.getName()))
                    .append(c.getDetail().isEmpty() ? "" : ": " + esc(c.getDetail())).append("</li>");
        }
        return b.append("</ul>").toString();
    }
}
