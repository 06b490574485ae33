package io.ulidmesh.migration.config;

import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.migration.service.TargetConnector;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Targets from configuration, registered at every start (before backfills resume):
 * {@code ulidmesh.migration.targets.<name>.jdbc-url}, {@code .username}, {@code .password}, or as
 * environment variables {@code ULIDMESH_MIGRATION_TARGETS_<NAME>_JDBC_URL}, {@code _USERNAME},
 * {@code _PASSWORD} (the name in lower case). Passwords given this way work after a restart even
 * without a secret key.
 */
@ApplicationScoped
public class ConfiguredTargets {
    private static final Logger LOG = Logger.getLogger(ConfiguredTargets.class);
    private static final String PREFIX = "ulidmesh.migration.targets.";
    private static final String ENV_PREFIX = "ULIDMESH_MIGRATION_TARGETS_";

    void register(@Observes @Priority(1) StartupEvent event, Config config, TargetConnector targets) {
        Set<String> names = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            if (property.startsWith(PREFIX) && property.endsWith(".jdbc-url")) {
                names.add(property.substring(PREFIX.length(), property.length() - ".jdbc-url".length()));
            }
        }
        Set<String> envNames = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            if (property.startsWith(ENV_PREFIX) && property.endsWith("_JDBC_URL")) {
                envNames.add(property.substring(ENV_PREFIX.length(), property.length() - "_JDBC_URL".length()));
            }
        }
        for (String name : names) {
            String base = PREFIX + name + ".";
            targets.register(name, config.getValue(base + "jdbc-url", String.class),
                    config.getOptionalValue(base + "username", String.class).orElse(""),
                    config.getOptionalValue(base + "password", String.class).orElse(""), "configuration");
        }
        for (String envName : envNames) {
            String base = ENV_PREFIX + envName + "_";
            String name = envName.toLowerCase(Locale.ROOT);
            names.add(name);
            targets.register(name, config.getValue(base + "JDBC_URL", String.class),
                    config.getOptionalValue(base + "USERNAME", String.class).orElse(""),
                    config.getOptionalValue(base + "PASSWORD", String.class).orElse(""), "configuration");
        }
        if (!names.isEmpty()) {
            LOG.infof("targets from configuration: %s", names);
        }
    }
}
