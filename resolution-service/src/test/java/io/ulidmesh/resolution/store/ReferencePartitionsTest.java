package io.ulidmesh.resolution.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The registry's partitions by ULID time (V3) and their upkeep, on a real PostgreSQL. */
class ReferencePartitionsTest {
    /** ULIDs as uuids: 2016-03, 2025-06, 2032-05 and the very end of ULID time. */
    private static final String Y2016 = "01533000-0000-0000-0000-000000000001";
    private static final String Y2025 = "01972900-0000-0000-0000-000000000002";
    private static final String M2032_05 = "01c9fa00-0000-0000-0000-000000000003";
    private static final String END = "ffffffff-ffff-0000-0000-000000000004";

    private String url;
    private PGSimpleDataSource database;

    @BeforeEach
    void freshDatabaseAtV2() throws SQLException {
        url = TestPostgres.createDatabase("registry_partitions");
        database = new PGSimpleDataSource();
        database.setUrl(url);
        database.setUser(TestPostgres.user());
        database.setPassword(TestPostgres.password());
        Flyway.configure().dataSource(database).target("2").load().migrate();
        for (String ulid : List.of(Y2016, Y2025, M2032_05, END)) {
            sql("INSERT INTO reference (ulid, system, reference_type, reference, registered_by) "
                    + "VALUES ('" + ulid + "', 'crackerjack', 'job', 'job-" + ulid.substring(0, 8) + "', 'test')");
        }
        sql("INSERT INTO link (from_ulid, to_ulid, relation, linked_by) VALUES ('" + Y2025 + "', '" + END
                + "', 'derived_from', 'test')");
        Flyway.configure().dataSource(database).load().migrate();
    }

    @AfterEach
    void drop() {
        TestPostgres.dropDatabase(url);
    }

    @Test
    void migrationMovesEveryRowIntoThePartitionOfItsTimeAndKeepsTheLinks() throws SQLException {
        assertThat(rows("SELECT tableoid::regclass || ' ' || ulid FROM reference ORDER BY ulid")).containsExactly(
                "reference_y2016 " + Y2016, "reference_y2025 " + Y2025, "reference_default " + M2032_05,
                "reference_default " + END);
        assertThat(rows("SELECT from_ulid || ' ' || to_ulid FROM link")).containsExactly(Y2025 + " " + END);
        YearMonth now = YearMonth.now(java.time.ZoneOffset.UTC);
        assertThat(new ReferencePartitions(database).partitions()).contains("reference_before_y2015", "reference_y2015",
                "reference_y2025", "reference_y2026m01", "reference_" + ReferencePartitions.name(now.plusMonths(3)));
        assertThat(new ReferencePartitions(database).ensure(now, 3).created()).as("V3 made them already").isEmpty();
        assertThatThrownBy(() -> sql("INSERT INTO link (from_ulid, to_ulid, relation, linked_by) VALUES ('" + Y2016
                + "', '00000000-0000-0000-0000-000000000009', 'x', 'test')"))
                .as("links still point at registered ULIDs only").hasMessageContaining("link_to_ulid_fkey");
    }

    @Test
    void upkeepCreatesTheMonthsAheadOnceAndSkipsAMonthTheDefaultPartitionAlreadyHolds() throws SQLException {
        ReferencePartitions partitions = new ReferencePartitions(database);
        ReferencePartitions.Pass pass = partitions.ensure(YearMonth.of(2032, 4), 2);
        assertThat(pass.created()).containsExactly("y2032m04", "y2032m06");
        assertThat(pass.skipped()).containsExactly("y2032m05");
        assertThat(partitions.ensure(YearMonth.of(2032, 4), 2).created()).isEmpty();
        sql("INSERT INTO reference (ulid, system, reference_type, reference, registered_by) "
                + "VALUES ('01ca9900-0000-0000-0000-000000000005', 'crackerjack', 'job', 'job-late', 'test')");
        assertThat(rows("SELECT tableoid::regclass::text FROM reference WHERE ulid = '01ca9900-0000-0000-0000-000000000005'"))
                .containsExactly("reference_y2032m06");
        assertThat(rows("SELECT tableoid::regclass::text FROM reference WHERE ulid = '" + M2032_05 + "'"))
                .as("the skipped month's ULID stays where it is, still found").containsExactly("reference_default");
    }

    @Test
    void anOldPartitionDetachesUnlessALinkPointsIntoIt() throws SQLException {
        sql("ALTER TABLE reference DETACH PARTITION reference_y2016");
        assertThat(rows("SELECT ulid::text FROM reference WHERE ulid = '" + Y2016 + "'")).isEmpty();
        assertThat(rows("SELECT ulid::text FROM reference_y2016")).containsExactly(Y2016);
        assertThatThrownBy(() -> sql("ALTER TABLE reference DETACH PARTITION reference_y2025"))
                .hasMessageContaining("link_from_ulid_fkey");
        assertThat(rows("SELECT ulid::text FROM reference WHERE ulid = '" + Y2025 + "'")).containsExactly(Y2025);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private List<String> rows(String query) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
