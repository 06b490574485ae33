package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.flags.client.CohortHash;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Whether a percentage picks the same entities in flagd's in-process providers as the cohort hash.
 * flagd's {@code fractional} (the Java provider's Fractional, 0.11.15) buckets on the
 * absolute value of the signed 32-bit murmur3 hash, so an entity with hash h and one with 2^32 - h
 * always land together, while the cohort hash puts them at opposite ends of 0..9999: only 0 and
 * 10000 basis points agree for every entity (docs/openfeature.md, "fractional"). Writes that set
 * another value on a flag served to in-process providers are refused or warned about, as configured.
 */
public final class InProcessAgreement {
    public enum Mode {
        /** No check. */
        ALLOW,
        /** The write goes on; the warning is logged and counted. */
        WARN,
        /** The write is FAILED_PRECONDITION, nothing changed. */
        REFUSE
    }

    public static final InProcessAgreement NONE = new InProcessAgreement(Mode.ALLOW, Pattern.compile(""), message -> { });

    private final Mode mode;
    private final Pattern servedFlags;
    private final Consumer<String> warnings;

    /** {@code servedFlags}: the names of the flags in-process providers evaluate (a full match). */
    public InProcessAgreement(Mode mode, Pattern servedFlags, Consumer<String> warnings) {
        this.mode = mode;
        this.servedFlags = servedFlags;
        this.warnings = warnings;
    }

    /** Only off and on for everyone pick the same entities in flagd's fractional. */
    public static boolean agrees(int basisPoints) {
        return basisPoints <= 0 || basisPoints >= CohortHash.ALL;
    }

    /** Checks every command that sets a state; one that keeps the flag's state is left alone. */
    public void check(List<SetFlagCommand> commands) {
        if (mode == Mode.ALLOW) {
            return;
        }
        for (SetFlagCommand command : commands) {
            Integer bp = command.basisPoints();
            if (bp == null || agrees(bp) || !servedFlags.matcher(command.name()).matches()) {
                continue;
            }
            String message = "flag '" + command.name() + "' at " + bp + " basis points is served to flagd in-process"
                    + " providers, whose fractional picks other entities than the cohort hash at every value but"
                    + " 0 and 100 % (docs/openfeature.md)";
            if (mode == Mode.REFUSE) {
                throw DomainException.failedPrecondition(message + "; set it to 0 or 100 %, or take it out of"
                        + " ulidmesh.flags.sync.in-process-flags");
            }
            warnings.accept(message);
        }
    }
}
