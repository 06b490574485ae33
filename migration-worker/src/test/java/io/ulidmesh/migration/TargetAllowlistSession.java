package io.ulidmesh.migration;

import io.ulidmesh.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Lets the worker under test reach the test PostgreSQL server, wherever {@code ULIDMESH_TEST_PG_URL}
 * puts it, and 127.0.0.1:1, a port nothing listens on (HostileInputTest's allowed but closed port).
 * Set as a system property before Quarkus boots, like the datasource (test-support's FreshDatabaseSession).
 */
public class TargetAllowlistSession implements LauncherSessionListener {
    public static final String CLOSED_PORT = "127.0.0.1:1";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty("ulidmesh.migration.allowed-hosts") == null) {
            System.setProperty("ulidmesh.migration.allowed-hosts", allowedHosts());
        }
    }

    /** The test server's host:port entries, then the closed port. */
    public static String allowedHosts() {
        Properties parsed = org.postgresql.Driver.parseURL(TestPostgres.adminUrl(), new Properties());
        String[] hosts = parsed.getProperty("PGHOST").split(",");
        String[] ports = parsed.getProperty("PGPORT").split(",");
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            allowed.add(hosts[i] + ":" + ports[i]);
        }
        allowed.add(CLOSED_PORT);
        return String.join(",", allowed);
    }
}
