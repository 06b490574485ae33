package io.ulidmesh.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server tests run against, and fresh databases on it. The server is
 * {@code ULIDMESH_TEST_PG_URL} (a JDBC URL of any database on it, default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}) with {@code ULIDMESH_TEST_PG_USER} /
 * {@code ULIDMESH_TEST_PG_PASSWORD} (default {@code postgres}, empty).
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "ULIDMESH_TEST_PG_URL";
    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private TestPostgres() {
    }

    public static String adminUrl() {
        return env(URL_VARIABLE).orElse(DEFAULT_URL);
    }

    public static String user() {
        return env("ULIDMESH_TEST_PG_USER").orElse("postgres");
    }

    public static String password() {
        return env("ULIDMESH_TEST_PG_PASSWORD").orElse("");
    }

    /** The server as host:port, e.g. for the migration worker's allowlist of target hosts. */
    public static String hostPort() {
        java.net.URI uri = java.net.URI.create(adminUrl().substring("jdbc:".length()));
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** True when the server answers; without one, Quarkus Dev Services (Testcontainers) is the fallback. */
    public static boolean reachable() {
        try (Connection ignored = DriverManager.getConnection(adminUrl(), user(), password())) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Creates an empty database named after {@code purpose} and a random suffix; returns its JDBC URL. */
    public static String createDatabase(String purpose) {
        String name = "ulidmesh_test_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        execute("CREATE DATABASE " + name);
        return urlOf(name);
    }

    /** Drops a database made by {@link #createDatabase}, closing any session still using it. */
    public static void dropDatabase(String jdbcUrl) {
        execute("DROP DATABASE IF EXISTS " + databaseName(jdbcUrl) + " WITH (FORCE)");
    }

    public static String urlOf(String database) {
        String admin = adminUrl();
        int slash = admin.indexOf('/', "jdbc:postgresql://".length());
        int query = admin.indexOf('?');
        String base = admin.substring(0, slash + 1);
        return base + database + (query >= 0 ? admin.substring(query) : "");
    }

    static String databaseName(String jdbcUrl) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?');
        return jdbcUrl.substring(slash + 1, query >= 0 ? query : jdbcUrl.length());
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + adminUrl() + " refused '" + sql + "': " + e.getMessage()
                    + " (set " + URL_VARIABLE + " to a server tests may create databases on)", e);
        }
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
