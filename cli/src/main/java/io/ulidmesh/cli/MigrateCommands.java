package io.ulidmesh.cli;

import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsResponse;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.MigrationServiceBlockingStub;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.PlanResponse;
import io.ulidmesh.proto.migration.v1.PlannedStep;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh migrate}: ULID column migrations on migration-worker. */
@Command(name = "migrate", description = "ULID column migrations on migration-worker: targets, create, the steps, status.",
        subcommands = {MigrateCommands.Targets.class, MigrateCommands.RegisterTarget.class, MigrateCommands.Create.class,
                MigrateCommands.List.class, MigrateCommands.Plan.class, MigrateCommands.Expand.class, MigrateCommands.Backfill.class,
                MigrateCommands.Validate.class, MigrateCommands.Contract.class, MigrateCommands.Rollback.class,
                MigrateCommands.Pause.class, MigrateCommands.Resume.class, MigrateCommands.Status.class})
final class MigrateCommands {

    @Command(name = "targets", description = "The databases the worker may change (ListTargets).")
    static final class Targets extends MeshCommand {
        @Override
        int run(Mesh mesh) {
            ListTargetsResponse r = mesh.worker().listTargets(ListTargetsRequest.getDefaultInstance());
            if (json()) {
                Json.print(out(), r);
                return 0;
            }
            Text.Table t = new Text.Table("NAME", "DIALECT", "USER", "PASSWORD", "JDBC URL");
            for (Target target : r.getTargetsList()) {
                t.row(target.getName(), target.getDialect(), target.getUsername(), target.getHasPassword() ? "stored" : "none",
                        target.getJdbcUrl());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "register-target", description = {"Registers (or replaces) a database the worker may change (RegisterTarget;"
            + " role admin).", "The password is read from --password-file or ULIDMESH_TARGET_PASSWORD, never from the command line."})
    static final class RegisterTarget extends MeshCommand {
        @Parameters(paramLabel = "NAME", description = "the target's name, e.g. crackerjack")
        String name;
        @Option(names = "--jdbc-url", required = true, paramLabel = "URL", description = "jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb:")
        String jdbcUrl;
        @Option(names = "--username", paramLabel = "USER", defaultValue = "", description = "empty for file databases")
        String username;
        @Option(names = "--password-file", paramLabel = "FILE", description = "a file holding the password")
        Path passwordFile;

        @Override
        int run(Mesh mesh) {
            String password = root().environment().getOrDefault("ULIDMESH_TARGET_PASSWORD", "");
            if (passwordFile != null) {
                try {
                    password = Files.readString(root().workingDirectory().resolve(passwordFile), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UsageError("cannot read --password-file " + passwordFile + ": " + e.getMessage());
                }
            }
            Target t = mesh.worker().registerTarget(RegisterTargetRequest.newBuilder().setName(name).setJdbcUrl(jdbcUrl)
                    .setUsername(username).setPassword(password).build());
            if (json()) {
                Json.print(out(), t);
            } else {
                out().println("registered " + t.getName() + " (" + t.getDialect() + ", " + t.getJdbcUrl() + ")");
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Creates a migration of one table, checked against the target's catalog (CreateMigration; role operator).")
    static final class Create extends MeshCommand {
        @Option(names = "--name", required = true, description = "a name for people, e.g. crackerjack-jobs")
        String name;
        @Option(names = "--target", required = true, description = "the registered target")
        String target;
        @Option(names = "--table", required = true)
        String table;
        @Option(names = "--key", required = true, paramLabel = "COLUMN", description = "a unique, non-null column ordering the backfill")
        String key;
        @Option(names = "--ulid-column", required = true, paramLabel = "COLUMN", description = "the ULID column to add")
        String ulidColumn;
        @Option(names = "--legacy-column", paramLabel = "COLUMN", defaultValue = "", description = "archived and dropped by contract")
        String legacyColumn;
        @Option(names = "--timestamp-column", paramLabel = "COLUMN", defaultValue = "", description = "whose values become the ULIDs' time")
        String timestampColumn;
        @Option(names = "--batch-size", defaultValue = "0", description = "rows per batch (default 1000)")
        int batchSize;
        @Option(names = "--max-rows-per-second", defaultValue = "0", description = "throttle (default unthrottled)")
        int maxRowsPerSecond;

        @Override
        int run(Mesh mesh) {
            Migration m = mesh.worker().createMigration(CreateMigrationRequest.newBuilder().setSpec(MigrationSpec.newBuilder()
                    .setName(name).setTarget(target).setTable(table).setKeyColumn(key).setUlidColumn(ulidColumn)
                    .setLegacyColumn(legacyColumn).setTimestampColumn(timestampColumn).setBatchSize(batchSize)
                    .setMaxRowsPerSecond(maxRowsPerSecond)).build());
            printMigration(this, m);
            return 0;
        }
    }

    @Command(name = "list", description = "Migrations, newest first (ListMigrations).")
    static final class List extends MeshCommand {
        @Option(names = "--target", defaultValue = "", description = "only this target's")
        String target;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default 100)")
        int limit;

        @Override
        int run(Mesh mesh) {
            Pages.All<Migration> all = Pages.read(limit, (size, token) -> mesh.worker().listMigrations(ListMigrationsRequest.newBuilder()
                    .setTarget(target).setPageSize(size).setPageToken(token).build()), ListMigrationsResponse::getMigrationsList,
                    ListMigrationsResponse::getNextPageToken);
            if (json()) {
                Json.print(out(), ListMigrationsResponse.newBuilder().addAllMigrations(all.items()).setNextPageToken(all.nextPageToken()).build());
                return 0;
            }
            Text.Table t = new Text.Table("ID", "NAME", "TABLE", "STATE", "ROWS", "UPDATED");
            for (Migration m : all.items()) {
                t.row(m.getId(), m.getSpec().getName(), m.getSpec().getTarget() + "." + m.getSpec().getTable(), m.getState(),
                        m.getRowsBackfilled() + "/" + m.getRowsTotal(), Text.time(m.getUpdatedAt()));
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "plan", description = "Dry run: the exact SQL of each remaining step, then of rollback (Plan).")
    static final class Plan extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the migration's ULID")
        String id;

        @Override
        int run(Mesh mesh) {
            PlanResponse r = mesh.worker().plan(PlanRequest.newBuilder().setId(id).build());
            if (json()) {
                Json.print(out(), r);
                return 0;
            }
            for (PlannedStep step : r.getStepsList()) {
                out().println(step.getStep() + ":");
                step.getSqlList().forEach(sql -> out().println("  " + sql + (sql.endsWith(";") ? "" : ";")));
            }
            var e = r.getEstimate();
            out().printf("rows: %d, to backfill: %d, estimate: %s (%s)%n", e.getRows(), e.getRowsToBackfill(),
                    e.getRowsPerSecond() > 0 ? e.getSeconds() + " s at " + Math.round(e.getRowsPerSecond()) + " rows/s" : "none", e.getBasis());
            out().flush();
            return 0;
        }
    }

    /** A step RPC on one migration, printing the migration it returns. */
    abstract static class Step extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the migration's ULID")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why; recorded with the step")
        String reason;

        abstract Migration step(MigrationServiceBlockingStub worker, StepRequest request);

        @Override
        int run(Mesh mesh) {
            printMigration(this, step(mesh.worker(), StepRequest.newBuilder().setId(id).setReason(reason).build()));
            return 0;
        }
    }

    @Command(name = "expand", description = "Adds the nullable ULID column and records the baseline row count (Expand; role operator).")
    static final class Expand extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.expand(request);
        }
    }

    @Command(name = "backfill", description = "Starts the background backfill; follow it with `migrate status ID --watch` (Backfill; role operator).")
    static final class Backfill extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.backfill(request);
        }
    }

    @Command(name = "contract", description = "Makes the ULID column UNIQUE and NOT NULL, archives and drops the legacy column (Contract; role admin).")
    static final class Contract extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.contract(request);
        }
    }

    @Command(name = "rollback", description = "Undoes the applied steps in reverse order; --reason is required (Rollback; role admin).")
    static final class Rollback extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.rollback(request);
        }
    }

    @Command(name = "pause", description = "Pauses a running backfill after its current batch (Pause; role operator).")
    static final class Pause extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.pause(request);
        }
    }

    @Command(name = "resume", description = "Resumes a paused backfill from its checkpoint (Resume; role operator).")
    static final class Resume extends Step {
        @Override
        Migration step(MigrationServiceBlockingStub worker, StepRequest request) {
            return worker.resume(request);
        }
    }

    @Command(name = "validate", description = {"Checks every row's ULID and the row count (Validate; role operator).",
        "Exit 1 when the validation fails, with its problems."})
    static final class Validate extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the migration's ULID")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "")
        String reason;

        @Override
        int run(Mesh mesh) {
            ValidationReport r = mesh.worker().validate(StepRequest.newBuilder().setId(id).setReason(reason).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                Text.Table t = new Text.Table("result", r.getPassed() ? "PASSED" : "FAILED");
                t.row("rows", r.getRows() + " (baseline " + r.getBaselineRows() + ")");
                t.row("valid", r.getValid());
                t.row("invalid", r.getInvalid());
                t.row("null", r.getNulls());
                t.row("duplicates", r.getDuplicates());
                t.print(out());
                r.getProblemsList().forEach(p -> out().println("problem: " + p));
                out().flush();
            }
            if (!r.getPassed()) {
                err().println("validation of " + id + " failed: " + String.join("; ", r.getProblemsList()));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "status", description = {"A migration's state and progress (GetMigration).",
        "--watch follows the backfill (Watch stream) with a progress bar until a resting state: redrawn in place on a"
                + " terminal, a line per second when piped or with --plain; with -o json one MigrationProgress per line."})
    static final class Status extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the migration's ULID")
        String id;
        @Mixin
        WatchOptions live;

        @Override
        int run(Mesh mesh) {
            Migration m = mesh.worker().getMigration(GetMigrationRequest.newBuilder().setId(id).build());
            if (!live.watch) {
                printMigration(this, m);
                return 0;
            }
            return new MigrationWatch(mesh, out(), live.screen(this), json()).follow(m);
        }
    }

    private static void printMigrationText(PrintWriter out, Migration m) {
        MigrationSpec s = m.getSpec();
        Text.Table t = new Text.Table("id", m.getId());
        t.row("name", s.getName());
        t.row("table", s.getTarget() + "." + s.getTable() + " (key " + s.getKeyColumn() + ", ULID column " + s.getUlidColumn()
                + (s.getLegacyColumn().isEmpty() ? "" : ", legacy " + s.getLegacyColumn()) + ")");
        t.row("state", m.getState());
        t.row("progress", Text.progress(m.getRowsBackfilled(), m.getRowsTotal(), m.getRowsPerSecond(), 0, 30));
        t.row("baseline rows", m.getBaselineRows());
        t.row("updated", Text.time(m.getUpdatedAt()));
        if (!m.getLastError().isEmpty()) {
            t.row("last error", m.getLastError());
        }
        t.print(out);
    }

    private static void printMigration(MeshCommand command, Migration m) {
        if (command.json()) {
            Json.print(command.out(), m);
        } else {
            printMigrationText(command.out(), m);
        }
    }

    private MigrateCommands() {
    }
}
