package io.ulidmesh.migration.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.migration.domain.target.TargetFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** One backfill run against an in-memory table: coverage, commit order, stop and crash recovery. */
class BackfillLoopTest {
    private static final int ROWS = 2_500;

    private static String expanded(Worker worker) {
        String id = worker.catalog.create(Worker.spec(), "test").id();
        worker.steps.expand(id, "test", "");
        return id;
    }

    private static boolean run(Worker worker, String id, BackfillLoop loop) throws InterruptedException {
        return loop.run(worker.transitions.stored(id), worker.table);
    }

    @Test
    void everyRowGetsAUlidAndTheUlidsRiseInKeyOrder() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            BackfillLoop loop = new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock());

            assertThat(run(worker, id, loop)).isTrue();

            List<String> ulids = worker.table.rows.values().stream().map(r -> r.ulid).toList();
            assertThat(ulids).doesNotContainNull().doesNotHaveDuplicates().isSorted();
            assertThat(loop.done()).isEqualTo(ROWS);
            assertThat(worker.meters.rows.get()).isEqualTo(ROWS);
            assertThat(worker.repository.get(id).rowsBackfilled()).isEqualTo(ROWS);
        }
    }

    @Test
    void eachBatchIsCheckpointedBeforeItIsWritten() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            run(worker, id, new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock()));

            List<String> log = new ArrayList<>(worker.log);
            assertThat(log).contains("write 1..1000", "write 1001..2000", "write 2001..2500");
            for (int i = 0; i < log.size(); i++) {
                if (log.get(i).startsWith("write ")) {
                    String lastKey = log.get(i).substring(log.get(i).indexOf("..") + 2);
                    assertThat(log.get(i - 1)).as("what precedes %s", log.get(i)).isEqualTo("checkpoint " + lastKey);
                }
            }
        }
    }

    @Test
    void rowsInsertedBehindTheCursorGetAnotherPassAndRowsAppendedAreWalkedTo() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            worker.table.beforeWrite = table -> {
                if (!table.rows.containsKey(0L)) {
                    table.rows.put(0L, new InMemoryTarget.Row(null)); // behind the cursor, no time
                    table.rows.put(9_999L, new InMemoryTarget.Row(1_800_000_000_000L)); // beyond it
                }
            };

            assertThat(run(worker, id, new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock()))).isTrue();

            assertThat(worker.table.rows).hasSize(ROWS + 2);
            assertThat(worker.table.ulids()).doesNotContainNull().hasSize(ROWS + 2);
            assertThat(worker.transitions.stored(id).checkpoint().pass()).as("a second pass from the first key").isEqualTo(1);
        }
    }

    @Test
    void aStoppedRunKeepsItsCheckpointAndTheNextRunContinuesAfterIt() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            BackfillLoop first = new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock());
            worker.table.beforeWrite = table -> first.requestStop(); // stop requested during the first batch

            assertThat(run(worker, id, first)).isFalse();
            assertThat(worker.transitions.stored(id).checkpoint().key()).isEqualTo("1000");
            Map<Long, String> before = written(worker);
            assertThat(before).hasSize(1000);

            runAgainAndKeep(worker, id, before);
            assertThat(worker.transitions.stored(id).checkpoint().pass()).as("no second pass needed").isZero();
        }
    }

    /** A crash between the checkpoint's commit and the batch's: the next run's second pass fills the lost batch with fresh ULIDs. */
    @Test
    void aBatchLostAfterItsCheckpointIsFilledByTheNextRun() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            worker.table.beforeWrite = table -> {
                if (table.rows.get(1L).ulid != null) {
                    table.failNextWrite = "connection lost";
                }
            };
            assertThatThrownBy(() -> run(worker, id, new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock())))
                    .isInstanceOf(TargetFailure.class).hasMessage("connection lost");
            Checkpoint crashed = worker.transitions.stored(id).checkpoint();
            assertThat(crashed.key()).as("checkpointed ahead of the lost batch").isEqualTo("2000");
            Map<Long, String> before = written(worker);
            assertThat(before).hasSize(1000);

            runAgainAndKeep(worker, id, before);
            assertThat(worker.transitions.stored(id).checkpoint().pass()).isEqualTo(1);
        }
    }

    /** A batch that met a concurrent writer of the same rows was rolled back whole: it is written again, and the backfill goes on. */
    @Test
    void aBatchThatMetAConcurrentWriteIsWrittenAgain() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            int[] conflicts = {2};
            worker.table.beforeWrite = table -> {
                if (conflicts[0]-- > 0) {
                    table.rows.get(1L).ulid = "01ARZ3NDEKTSV4RRFFQ69G5FAV"; // the other writer's row, then its rollback of ours
                    table.failNextWrite = "a concurrent transaction got in the way; retry";
                    table.failNextWriteAs = TargetFailure.Transience.CONCURRENT_WRITE;
                }
            };
            BackfillLoop loop = new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock());

            assertThat(run(worker, id, loop)).isTrue();

            assertThat(worker.log.stream().filter(line -> line.equals("write 1..1000"))).hasSize(1);
            Map<Long, String> after = written(worker);
            assertThat(after).hasSize(ROWS);
            assertThat(after.get(1L)).as("the other writer's value is kept").isEqualTo("01ARZ3NDEKTSV4RRFFQ69G5FAV");
            assertThat(after.values()).doesNotHaveDuplicates();
        }
    }

    /** Any other failure, and a conflict that persists past its tries, fails the run. */
    @Test
    void aConflictThatPersistsFailsTheRun() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = expanded(worker);
            worker.table.beforeWrite = table -> {
                table.failNextWrite = "a concurrent transaction got in the way; retry";
                table.failNextWriteAs = TargetFailure.Transience.CONCURRENT_WRITE;
            };
            assertThatThrownBy(() -> run(worker, id, new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock())))
                    .isInstanceOfSatisfying(TargetFailure.class, e -> assertThat(e.concurrentWrite()).isTrue());
            assertThat(written(worker)).isEmpty();
        }
    }

    /** A new run from the stored checkpoint finishes: every row has a unique ULID, and none written {@code before} changed. */
    private static void runAgainAndKeep(Worker worker, String id, Map<Long, String> before) throws InterruptedException {
        worker.table.beforeWrite = table -> { };
        assertThat(run(worker, id, new BackfillLoop(worker.repository, worker.meters, false, AutoThrottle.NONE, new ReentrantLock()))).isTrue();
        Map<Long, String> after = written(worker);
        assertThat(after).hasSize(ROWS);
        assertThat(after.values()).doesNotHaveDuplicates();
        before.forEach((key, ulid) -> assertThat(after.get(key)).as("row %d", key).isEqualTo(ulid));
    }

    private static Map<Long, String> written(Worker worker) {
        Map<Long, String> ulids = new HashMap<>();
        worker.table.rows.forEach((key, row) -> {
            if (row.ulid != null) {
                ulids.put(key, row.ulid);
            }
        });
        return ulids;
    }
}
