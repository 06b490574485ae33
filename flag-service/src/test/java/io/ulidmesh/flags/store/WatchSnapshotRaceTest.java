package io.ulidmesh.flags.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.domain.SetFlagCommand;
import io.ulidmesh.testsupport.TestPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A Watch from revision 0 (and a replica's startup load) must not miss a change that another
 * replica commits while the snapshot is being read. The race is made deterministic: the other
 * replica's write is committed, and published to the feed as the change listener would, exactly
 * between the snapshot's statements (or before its commit, when it has only one).
 */
class WatchSnapshotRaceTest {
    private String url;
    private PGSimpleDataSource database;
    /** Runs once, inside the next snapshot transaction, after its first statement. */
    private final AtomicReference<Runnable> interleaved = new AtomicReference<>();

    @BeforeEach
    void freshDatabase() {
        url = TestPostgres.createDatabase("flag_snapshot_race");
        database = new PGSimpleDataSource();
        database.setUrl(url);
        database.setUser(TestPostgres.user());
        database.setPassword(TestPostgres.password());
        Flyway.configure().dataSource(database).load().migrate();
    }

    @AfterEach
    void drop() {
        TestPostgres.dropDatabase(url);
    }

    @Test
    void aWatcherFromAnEmptySnapshotGetsTheChangeCommittedWhileItReads() {
        assertWatcherGetsTheConcurrentChange();
    }

    @Test
    void aWatcherFromASnapshotWithFlagsGetsTheChangeCommittedWhileItReads() {
        new JdbcFlagRepository(database).set(List.of(command("race.before")), "test");
        assertWatcherGetsTheConcurrentChange();
    }

    @Test
    void aReplicaLoadingAnEmptyDatabaseKeepsTheChangeCommittedWhileItReads() {
        Flags replica = new Flags(new JdbcFlagRepository(interleaving()), new FlagTable(), new ChangeFeed(0));
        JdbcFlagRepository other = new JdbcFlagRepository(database);
        interleaved.set(() -> other.set(List.of(command("race.during")), "other-replica"));
        replica.load();
        replica.catchUp();
        assertThat(interleaved.get()).as("the write ran inside the snapshot").isNull();
        assertThat(replica.exists("race.during")).isTrue();
    }

    private void assertWatcherGetsTheConcurrentChange() {
        Flags replica = new Flags(new JdbcFlagRepository(interleaving()), new FlagTable(), new ChangeFeed(0));
        replica.load();
        JdbcFlagRepository other = new JdbcFlagRepository(database);
        interleaved.set(() -> {
            other.set(List.of(command("race.during")), "other-replica");
            replica.catchUp();
        });
        List<RecordedChange> received = new CopyOnWriteArrayList<>();
        ChangeFeed.Subscription watcher = replica.watch(0, received::addAll,
                commit -> received.addAll(commit.changes()));
        try {
            assertThat(interleaved.get()).as("the write ran inside the snapshot").isNull();
            assertThat(received.stream().map(change -> change.flag().name()))
                    .as("the change committed during the snapshot, once").containsOnlyOnce("race.during");
            assertThat(received.stream().map(RecordedChange::revision)).isSorted().doesNotHaveDuplicates();
        } finally {
            watcher.close();
        }
    }

    private static SetFlagCommand command(String name) {
        return new SetFlagCommand(name, 10_000, "race", 0, "", "");
    }

    /**
     * The real database, whose connections run {@link #interleaved} (on another connection) when a
     * transaction that has already executed a statement prepares its next one or commits.
     */
    private DataSource interleaving() {
        PGSimpleDataSource real = database;
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return method.getName().equals("getConnection") ? interleaving((Connection) result) : result;
                });
    }

    private Connection interleaving(Connection real) {
        boolean[] executed = {false};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("prepareStatement") || name.equals("commit")) && executed[0]) {
                        Runnable write = interleaved.getAndSet(null);
                        if (write != null) {
                            write.run();
                        }
                    }
                    if (name.equals("prepareStatement")) {
                        executed[0] = true;
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
