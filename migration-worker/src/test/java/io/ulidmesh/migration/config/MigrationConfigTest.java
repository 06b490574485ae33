package io.ulidmesh.migration.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Targets reach the mapping from properties and from environment variables. An environment
 * variable's name cannot say where a map key with {@code _} ends, so such a target needs its name
 * in a property once (docs/migration-worker.md says so).
 */
class MigrationConfigTest {

    private static MigrationConfig mapping(Map<String, String> properties, Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250), new EnvConfigSource(environment, 300))
                .withMapping(MigrationConfig.class)
                .build();
        return config.getConfigMapping(MigrationConfig.class);
    }

    @Test
    void targetsFromPropertiesAndEnvironmentVariables() {
        MigrationConfig config = mapping(
                Map.of("ulidmesh.migration.targets.configured.jdbc-url", "jdbc:sqlite:configured.db"),
                Map.of("ULIDMESH_MIGRATION_TARGETS_CRACKERJACK_JDBC_URL", "jdbc:sqlite:/data/crackerjack.db",
                        "ULIDMESH_MIGRATION_TARGETS_CRACKERJACK_USERNAME", "app",
                        "ULIDMESH_MIGRATION_TARGETS_CRACKERJACK_PASSWORD", "from-env",
                        "ULIDMESH_MIGRATION_SECRET_KEY", "a2V5"));

        assertThat(config.targets()).containsOnlyKeys("configured", "crackerjack");
        assertThat(config.targets().get("crackerjack").jdbcUrl()).isEqualTo("jdbc:sqlite:/data/crackerjack.db");
        assertThat(config.targets().get("crackerjack").username()).contains("app");
        assertThat(config.targets().get("crackerjack").password()).contains("from-env");
        assertThat(config.targets().get("configured").username()).isEmpty();
        assertThat(config.secretKey()).contains("a2V5");
        assertThat(config.rowCountTolerancePercent()).isEqualTo(0.01);
    }

    @Test
    void aTargetNameWithAnUnderscoreNeedsAPropertyForTheEnvironmentToReachIt() {
        Map<String, String> environment = Map.of(
                "ULIDMESH_MIGRATION_TARGETS_SESSION_BUDDY_JDBC_URL", "jdbc:duckdb:/data/session_buddy.duckdb",
                "ULIDMESH_MIGRATION_TARGETS_SESSION_BUDDY_PASSWORD", "from-env");
        assertThat(mapping(Map.of(), environment).targets()).isEmpty();

        MigrationConfig hinted = mapping(Map.of("ulidmesh.migration.targets.session_buddy.jdbc-url", "jdbc:duckdb:overridden"), environment);
        assertThat(hinted.targets()).containsOnlyKeys("session_buddy");
        assertThat(hinted.targets().get("session_buddy").jdbcUrl()).isEqualTo("jdbc:duckdb:/data/session_buddy.duckdb");
        assertThat(hinted.targets().get("session_buddy").password()).contains("from-env");
    }
}
