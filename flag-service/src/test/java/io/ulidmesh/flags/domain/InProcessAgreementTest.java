package io.ulidmesh.flags.domain;

import static io.ulidmesh.flags.domain.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.common.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** SetFlag and SetFlags with percentages flagd's in-process providers pick other entities for. */
class InProcessAgreementTest {
    private final InMemoryFlagRepository repository = new InMemoryFlagRepository();
    private final List<String> warnings = new ArrayList<>();

    private Flags flags(InProcessAgreement.Mode mode, String served) {
        return new Flags(repository, new FlagTable(), new ChangeFeed(0),
                new InProcessAgreement(mode, Pattern.compile(served), warnings::add));
    }

    private static SetFlagCommand set(String name, Integer basisPoints) {
        return new SetFlagCommand(name, basisPoints, "because", 0, "", "");
    }

    @Test
    void onlyOffAndOnForEveryoneAgree() {
        assertThat(InProcessAgreement.agrees(0)).isTrue();
        assertThat(InProcessAgreement.agrees(10_000)).isTrue();
        for (int bp = 1; bp < 10_000; bp++) {
            assertThat(InProcessAgreement.agrees(bp)).as("%d bp", bp).isFalse();
        }
    }

    @Test
    void refuseMakesSetFlagAndSetFlagsFailedPreconditionAndChangesNothing() {
        Flags flags = flags(InProcessAgreement.Mode.REFUSE, ".*");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> flags.set(set("canary", 1000), "alice"),
                "flag 'canary' at 1000 basis points", "0 or 100 %", "ulidmesh.flags.sync.in-process-flags");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> flags.set(List.of(set("a", 10_000), set("b", 5000)), "alice"),
                "flag 'b' at 5000 basis points");
        assertThat(repository.head()).isZero();
        assertThat(flags.all()).isEmpty();

        flags.set(List.of(set("a", 10_000), set("b", 0)), "alice");
        assertThat(flags.all()).extracting(FlagState::name).containsExactly("a", "b");
        // a write that keeps the state (description only) is not refused
        flags.set(set("b", null), "alice");
        assertThat(warnings).isEmpty();
    }

    @Test
    void warnLetsTheWriteThroughAndSaysWhy() {
        Flags flags = flags(InProcessAgreement.Mode.WARN, ".*");
        flags.set(set("canary", 1), "alice");
        assertThat(flags.current("canary").basisPoints()).isEqualTo(1);
        assertThat(warnings).singleElement().asString().contains("flag 'canary' at 1 basis points", "flagd in-process");
    }

    @Test
    void onlyTheFlagsServedToInProcessProvidersAreChecked() {
        Flags flags = flags(InProcessAgreement.Mode.REFUSE, "inproc\\..*");
        flags.set(set("server.side", 3333), "alice");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> flags.set(set("inproc.canary", 3333), "alice"), "inproc.canary");
        flags(InProcessAgreement.Mode.ALLOW, ".*").set(set("inproc.canary", 3333), "alice");
        assertThat(warnings).isEmpty();
    }
}
