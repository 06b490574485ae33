package io.ulidmesh.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Gives each test run (one JVM of one module) a fresh database on the test PostgreSQL server,
 * created before Quarkus boots and dropped at the end. Quarkus reads the datasource from the
 * system properties set here, so its Dev Services stay off. With no server reachable it sets
 * nothing and Dev Services (Testcontainers) starts one on machines that have Docker.
 */
public class FreshDatabaseSession implements LauncherSessionListener {
    private String url;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (url != null || System.getProperty("quarkus.datasource.jdbc.url") != null || !TestPostgres.reachable()) {
            return;
        }
        url = TestPostgres.createDatabase(System.getProperty("ulidmesh.test.purpose", "app"));
        System.setProperty("quarkus.datasource.jdbc.url", url);
        System.setProperty("quarkus.datasource.username", TestPostgres.user());
        System.setProperty("quarkus.datasource.password", TestPostgres.password());
        System.setProperty("quarkus.datasource.devservices.enabled", "false");
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (url != null) {
            TestPostgres.dropDatabase(url);
            url = null;
        }
    }
}
