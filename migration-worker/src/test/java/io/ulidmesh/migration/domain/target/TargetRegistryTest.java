package io.ulidmesh.migration.domain.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Registration rules and the password's way: sealed into the repository, opened only to connect. */
class TargetRegistryTest {
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItZGV2LWFuZC10ZXN0LW9ubHk=";
    private static final TargetPolicy POLICY = new TargetPolicy(List.of("h"), List.of(Path.of("/data")));

    /** The repository in memory, and the passwords sessions were opened with. */
    private static final class Fixture implements TargetRepository, TargetDatabases {
        final Map<String, StoredTarget> stored = new HashMap<>();
        final Map<String, String> openedWith = new HashMap<>();

        @Override
        public void upsert(TargetDatabase target, byte[] sealedPassword) {
            stored.put(target.name(), new StoredTarget(target, sealedPassword));
        }

        @Override
        public Optional<StoredTarget> find(String name) {
            return Optional.ofNullable(stored.get(name));
        }

        @Override
        public List<TargetDatabase> list() {
            return stored.values().stream().map(StoredTarget::target).toList();
        }

        @Override
        public TargetSql sql(Engine engine) {
            return null;
        }

        @Override
        public TargetSession open(TargetDatabase target, String password) {
            openedWith.put(target.name(), password);
            return null;
        }
    }

    private static void invalid(Runnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void namesUrlsAndPasswordsInUrlsAreChecked() {
        Fixture f = new Fixture();
        TargetRegistry registry = new TargetRegistry(f, f, new PasswordVault(Optional.of(KEY)), POLICY);
        invalid(() -> registry.register("Bad Name", "jdbc:sqlite:/data/x.db", "", "", "t"), "must match");
        invalid(() -> registry.register("x", "jdbc:mysql://localhost/x", "", "", "t"), "must start with jdbc:postgresql:");
        invalid(() -> registry.register("leaky", "jdbc:postgresql://h/x?PASSWORD=s", "", "", "t"), "give the password in the password field");
        invalid(() -> registry.register("far", "jdbc:postgresql://elsewhere/x", "", "", "t"), "host elsewhere:5432 is not in");
        invalid(() -> registry.register("forged", "jdbc:sqlite:/data/x.db", "app\nINFO forged line", "", "t"), "username: control character");
        invalid(() -> registry.register("cut", "jdbc:sqlite:/data/x.db", "", "pass\0word", "t"), "password: control character U+0000");
        assertThat(f.stored).isEmpty();
        assertThat(registry.register("crackerjack", "jdbc:sqlite:/data/x.db", null, null, "t").hasPassword()).isFalse();
        assertThat(registry.list()).extracting(TargetDatabase::engine).containsExactly(Engine.SQLITE);
    }

    @Test
    void withAKeyThePasswordIsStoredSealedAndOpensForItsTargetOnly() {
        Fixture f = new Fixture();
        TargetRegistry registry = new TargetRegistry(f, f, new PasswordVault(Optional.of(KEY)), POLICY);
        registry.register("orders", "jdbc:postgresql://h/orders", "app", "s3cret-pass", "t");

        byte[] sealed = f.stored.get("orders").sealedPassword();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret-pass");
        registry.open("orders");
        assertThat(f.openedWith).containsEntry("orders", "s3cret-pass");

        // A restarted worker with the same key opens it; the ciphertext moved to another target does not.
        PasswordVault restarted = new PasswordVault(Optional.of(KEY));
        assertThat(restarted.open("orders", true, sealed)).isEqualTo("s3cret-pass");
        assertThatThrownBy(() -> restarted.open("billing", true, sealed)).isInstanceOf(DomainException.class)
                .hasMessageContaining("cannot be decrypted");
    }

    @Test
    void withoutAKeyThePasswordStaysInMemoryAndIsGoneAfterARestart() {
        Fixture f = new Fixture();
        PasswordVault vault = new PasswordVault(Optional.empty());
        TargetRegistry registry = new TargetRegistry(f, f, vault, POLICY);
        registry.register("orders", "jdbc:postgresql://h/orders", "app", "s3cret-pass", "t");

        assertThat(f.stored.get("orders").sealedPassword()).isNull();
        registry.open("orders");
        assertThat(f.openedWith).containsEntry("orders", "s3cret-pass");
        TargetRegistry restarted = new TargetRegistry(f, f, new PasswordVault(Optional.empty()), POLICY);
        assertThatThrownBy(() -> restarted.open("orders")).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION)).hasMessageContaining("register the target again");
    }

    /** A target stored before the policy tightened (or whose link was swapped since) is checked again before each connection. */
    @Test
    void aStoredTargetTheNewPolicyRefusesIsNotOpened() {
        Fixture f = new Fixture();
        new TargetRegistry(f, f, new PasswordVault(Optional.of(KEY)), new TargetPolicy(List.of("old-host"), List.of()))
                .register("orders", "jdbc:postgresql://old-host/orders", "app", "s3cret-pass", "t");
        TargetRegistry tightened = new TargetRegistry(f, f, new PasswordVault(Optional.of(KEY)), POLICY);

        assertThatThrownBy(() -> tightened.open("orders")).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION)).hasMessageContaining("may not be used")
                .hasMessageContaining("host old-host:5432 is not in");
        assertThat(f.openedWith).isEmpty();
    }

    @Test
    void aKeyOfTheWrongSizeStopsTheWorker() {
        assertThatThrownBy(() -> new PasswordVault(Optional.of("c2hvcnQ="))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("16, 24 or 32 bytes");
    }
}
