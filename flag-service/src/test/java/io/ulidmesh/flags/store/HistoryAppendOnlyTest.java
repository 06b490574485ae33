package io.ulidmesh.flags.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The history table itself refuses to be rewritten, whoever connects. */
@QuarkusTest
class HistoryAppendOnlyTest {
    @Inject
    DataSource dataSource;

    @Test
    void updateDeleteAndTruncateOfTheHistoryAreRefused() throws Exception {
        var channel = TestChannels.toQuarkusTestApp();
        try {
            FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .setFlag(SetFlagRequest.newBuilder().setName("append.only").setEnabled(true).build());
        } finally {
            channel.shutdownNow();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : new String[] {
                "UPDATE flag_change SET reason = 'rewritten' WHERE name = 'append.only'",
                "DELETE FROM flag_change WHERE name = 'append.only'",
                "TRUNCATE flag_change"}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(sql));
                assertThat((Throwable) e).as(sql).isNotNull();
                assertThat(e.getMessage()).contains("append-only");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flag_change WHERE name = 'append.only'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }
}
