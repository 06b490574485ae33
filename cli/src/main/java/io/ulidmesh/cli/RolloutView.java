package io.ulidmesh.cli;

import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the live tree of a rollout shows, and how: the rollout (GetRollout), its events
 * (WatchRollout), the current value of each flag its phases set (flag-service), each migration's
 * progress (migration-worker Watch), and each signal's last value beside its rollback thresholds
 * (the plan's rules; values from breach events and the controller's {@code ulidmesh_rollout_signal}
 * gauge). Fed from several threads; {@link #render} is a pure function of what it was fed.
 */
final class RolloutView {
    static final int EVENTS_SHOWN = 8;
    private static final Pattern BREACH_VALUE = Pattern.compile("signal (\\S+) = (\\S+) breaches");

    private Rollout rollout;
    private Plan plan;
    private final Deque<RolloutEvent> events = new ArrayDeque<>();
    private long lastSequence;
    private final Map<String, Optional<Flag>> flags = new LinkedHashMap<>();
    private final Map<String, MigrationProgress> migrations = new HashMap<>();
    private final Map<String, Double> signals = new HashMap<>();
    private final Map<String, Instant> bakingSince = new HashMap<>();

    synchronized void rollout(Rollout r) {
        if (rollout == null || !rollout.getPlanYaml().equals(r.getPlanYaml())) {
            plan = parse(r.getPlanYaml());
        }
        rollout = r;
    }

    synchronized Rollout rollout() {
        return rollout;
    }

    /** An event; true when it is new (events replayed twice after a reconnect count once). */
    synchronized boolean event(RolloutEvent e) {
        if (e.getSequence() <= lastSequence) {
            return false;
        }
        lastSequence = e.getSequence();
        events.addLast(e);
        while (events.size() > EVENTS_SHOWN) {
            events.removeFirst();
        }
        if (e.getType() == RolloutEventType.EVENT_PHASE_BAKING) {
            bakingSince.put(e.getPhase(), Text.instant(e.getAt()));
        }
        Matcher m = BREACH_VALUE.matcher(e.getMessage());
        if (e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED && m.find()) {
            try {
                signals.put(m.group(1), Double.parseDouble(m.group(2)));
            } catch (NumberFormatException ignored) {
                // a value the controller printed in another form: the gauge gives it
            }
        }
        return true;
    }

    synchronized long lastSequence() {
        return lastSequence;
    }

    synchronized void flag(String name, Optional<Flag> flag) {
        flags.put(name, flag);
    }

    synchronized Optional<Flag> flag(String name) {
        return flags.getOrDefault(name, Optional.empty());
    }

    synchronized void migration(MigrationProgress p) {
        migrations.put(p.getId(), p);
    }

    synchronized MigrationProgress migration(String id) {
        return migrations.get(id);
    }

    synchronized void signal(String name, double value) {
        signals.put(name, value);
    }

    synchronized Double signalValue(String name) {
        return signals.get(name);
    }

    /** The plan's signals, empty while the plan is unknown. */
    synchronized List<SignalSpec> signalSpecs() {
        return plan == null ? List.of() : plan.signals();
    }

    synchronized Duration signalInterval() {
        return plan == null ? Duration.ofSeconds(5) : plan.interval();
    }

    /** Every flag the rollout's phases set, in plan order. */
    synchronized List<String> flagNames() {
        List<String> names = new ArrayList<>();
        if (rollout != null) {
            rollout.getPhasesList().forEach(p -> p.getFlagsMap().keySet().stream().sorted().filter(n -> !names.contains(n))
                    .forEach(names::add));
        }
        return names;
    }

    /** Migration ids the rollout has created so far. */
    synchronized List<String> migrationIds() {
        List<String> ids = new ArrayList<>();
        if (rollout != null) {
            rollout.getPhasesList().forEach(p -> p.getMigrationsList().stream().map(PhaseMigration::getMigrationId)
                    .filter(id -> !id.isEmpty()).forEach(ids::add));
        }
        return ids;
    }

    static boolean finished(RolloutState s) {
        return s == RolloutState.COMPLETED || s == RolloutState.ABORTED || s == RolloutState.FAILED;
    }

    static boolean resting(MigrationState s) {
        return s != MigrationState.BACKFILLING;
    }

    /** The whole tree, for a terminal. */
    synchronized List<String> render(Instant now) {
        List<String> lines = new ArrayList<>();
        if (rollout == null) {
            lines.add("waiting for the rollout...");
            return lines;
        }
        lines.add(headline());
        if (!rollout.getLastReason().isEmpty()) {
            lines.add("reason: " + rollout.getLastReason());
        }
        lines.add("");
        lines.add("phases");
        List<Phase> phases = rollout.getPhasesList();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            boolean last = i == phases.size() - 1;
            String branch = last ? "└─ " : "├─ ";
            String stem = last ? "   " : "│  ";
            lines.add(branch + symbol(p.getState()) + " " + Text.pad(p.getName(), 28) + " " + Text.pad(phaseState(p), 12) + " "
                    + phaseDetail(p, now));
            List<String[]> children = new ArrayList<>();
            p.getFlagsMap().keySet().stream().sorted().forEach(f -> children.add(new String[] {flagLine(f, p.getFlagsMap().get(f)), null}));
            p.getMigrationsList().forEach(m -> children.add(new String[] {migrationTitle(m), migrationProgress(m)}));
            for (int c = 0; c < children.size(); c++) {
                boolean lastChild = c == children.size() - 1;
                lines.add(stem + (lastChild ? "└─ " : "├─ ") + children.get(c)[0]);
                if (children.get(c)[1] != null) {
                    lines.add(stem + (lastChild ? "   " : "│  ") + "   " + children.get(c)[1]);
                }
            }
        }
        List<String> signalLines = signalLines();
        if (!signalLines.isEmpty()) {
            lines.add("");
            lines.add("signals");
            lines.addAll(signalLines);
        }
        lines.add("");
        lines.add("latest events");
        events.forEach(e -> lines.add("  " + eventLine(e)));
        return lines;
    }

    synchronized String headline() {
        return "rollout " + rollout.getId() + "  " + rollout.getName() + "  " + rollout.getState() + "  " + RolloutCommands.phaseOf(rollout)
                + "  (updated " + Text.clock(rollout.getUpdatedAt()) + ")";
    }

    /** One phase as a line for piped output. */
    synchronized String phaseLine(Phase p, Instant now) {
        return "phase " + p.getName() + " " + phaseState(p) + " " + phaseDetail(p, now);
    }

    private static String symbol(PhaseState s) {
        return switch (s) {
            case PHASE_COMPLETED -> "✓";
            case PHASE_APPLYING -> "…";
            case PHASE_BAKING -> "▶";
            case PHASE_ROLLED_BACK -> "↺";
            case PHASE_FAILED -> "✗";
            default -> "·";
        };
    }

    static String phaseState(Phase p) {
        return Text.state(p.getState(), "PHASE_");
    }

    private String phaseDetail(Phase p, Instant now) {
        String bake = p.getBakeSeconds() > 0 ? "bake " + Text.duration(p.getBakeSeconds()) : "no bake";
        String gate = p.getManualGate() ? ", manual gate" : "";
        if (p.getState() != PhaseState.PHASE_BAKING) {
            return bake + gate;
        }
        Instant since = bakingSince.get(p.getName());
        long baked = since == null ? -1 : Math.max(0, Duration.between(since, now).toSeconds());
        if (since != null && baked < p.getBakeSeconds()) {
            return "baking " + Text.duration(baked) + " of " + Text.duration(p.getBakeSeconds()) + gate;
        }
        return p.getManualGate() ? "waiting at its manual gate: ulidmesh rollout promote " + rollout.getId() + " --reason ..."
                : bake + ", baked";
    }

    String flagLine(String name, String target) {
        Optional<Flag> now = flags.get(name);
        String current = now == null ? "now ?" : now.map(f -> "now " + Text.flagValue(f.getBasisPoints()) + " (v" + f.getVersion() + ")")
                .orElse("now absent");
        return Text.pad("flag " + name + " → " + target, 44) + " " + current;
    }

    String migrationTitle(PhaseMigration m) {
        return "migration " + m.getTarget() + "." + m.getTable() + "." + m.getUlidColumn() + "  " + String.join(", ", m.getStepsList())
                + (m.getMigrationId().isEmpty() ? "" : "  " + m.getMigrationId());
    }

    String migrationProgress(PhaseMigration m) {
        MigrationProgress p = m.getMigrationId().isEmpty() ? null : migrations.get(m.getMigrationId());
        if (p == null) {
            return m.getMigrationId().isEmpty() ? "not created yet" : "progress unknown yet";
        }
        return MigrationWatch.line(p);
    }

    /** Each signal of the plan: its last value, its thresholds, and "BREACH" when the value breaks one. */
    synchronized List<String> signalLines() {
        List<String> lines = new ArrayList<>();
        if (plan == null) {
            return lines;
        }
        for (SignalSpec s : plan.signals()) {
            Double value = signals.get(s.name());
            List<String> rules = new ArrayList<>();
            boolean breached = false;
            for (RuleSpec r : plan.rules()) {
                if (r.signal().equals(s.name())) {
                    // a relative rule's reference is the controller's: this view names it and marks no breach of it
                    rules.add(r.kind() != RuleSpec.Kind.THRESHOLD ? r.condition()
                            : r.above() != null ? "above " + Text.number(r.above()) : "below " + Text.number(r.below()));
                    rules.set(rules.size() - 1, rules.get(rules.size() - 1) + (r.forCount() > 1 ? " " + r.forCount() + "× in a row" : ""));
                    breached |= value != null && r.breachedBy(value);
                }
            }
            lines.add("  " + Text.pad(s.name(), 28) + " " + Text.pad(value == null ? "-" : Text.number(value), 10) + " "
                    + Text.pad(s.source().name().toLowerCase(Locale.ROOT).replace('_', '-'), 12) + " "
                    + (rules.isEmpty() ? "no rollback rule" : "rollback " + String.join(" or ", rules)) + (breached ? "  BREACH" : ""));
        }
        return lines;
    }

    static String eventLine(RolloutEvent e) {
        return Text.clock(e.getAt()) + "  " + Text.pad("#" + e.getSequence(), 4) + " " + Text.pad(Text.state(e.getType(), "EVENT_"), 17) + " "
                + (e.getPhase().isEmpty() ? "" : e.getPhase() + ": ") + e.getMessage()
                + (e.getActor().isEmpty() ? "" : "  (" + e.getActor() + ")");
    }

    private static Plan parse(String yaml) {
        try {
            return PlanParser.parse(yaml);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
