package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The old application code keeps inserting rows without a ULID while the backfill runs: every row,
 * old or new, ends with a valid unique ULID and the writer never fails.
 */
@QuarkusTest
class ConcurrentWriterTest extends GrpcTestBase {
    private static final int ROWS = 100_000;

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"POSTGRESQL", "SQLITE"})
    void rowsInsertedDuringTheBackfillGetUlidsToo(Engine engine) throws Exception {
        String target = "cw-" + engine.name().toLowerCase(Locale.ROOT);
        try (TargetDb db = TargetDb.create(engine).seed(ROWS)) {
            Grpc.register(stub, target, db);
            String id = Grpc.create(stub, Grpc.jobsSpec(target).setBatchSize(2000)).getId();
            stub.expand(step(id));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong inserted = new AtomicLong();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Connection c = db.connect();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO jobs (id, legacy_id, created_at, payload) VALUES (?, ?, ?, ?)")) {
                    long next = ROWS + 1;
                    while (writing.get()) {
                        insert.setLong(1, next);
                        insert.setString(2, "job-" + next);
                        if (engine == Engine.SQLITE) {
                            insert.setString(3, "2025-06-01 00:00:00");
                        } else {
                            insert.setTimestamp(3, Timestamp.from(Instant.parse("2025-06-01T00:00:00Z")));
                        }
                        insert.setString(4, "new");
                        insert.executeUpdate();
                        inserted.incrementAndGet();
                        next++;
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "old-app-writer");
            writer.start();
            while (inserted.get() < 50) {
                Thread.sleep(10);
            }
            stub.backfill(step(id));
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            long insertedDuringBackfill = inserted.get();
            writing.set(false);
            writer.join();
            assertThat(writerFailure.get()).as("the application's writes never fail").isNull();
            assertThat(insertedDuringBackfill).isGreaterThan(50);

            // Rows inserted after the backfill's last pass: a catch-up Backfill covers them.
            stub.backfill(step(id));
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            long total = ROWS + inserted.get();
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(total);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(total);
            ValidationReport report = stub.validate(step(id));
            assertThat(report.getPassed()).as("problems: %s", report.getProblemsList()).isTrue();
            assertThat(report.getValid()).isEqualTo(total);
            assertThat(report.getRows()).isEqualTo(total);
            // The new rows' ULIDs carry their created_at too.
            assertThat(db.strings("SELECT job_ulid FROM jobs WHERE id > " + ROWS))
                    .allSatisfy(u -> assertThat(com.github.f4b6a3.ulid.Ulid.from(u).getInstant()).isEqualTo(Instant.parse("2025-06-01T00:00:00Z")));
        }
    }
}
