package io.ulidmesh.rollout.it;

import io.ulidmesh.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.List;

/** What an IT class starts and creates: closed last first, then its databases dropped, when the class ends. */
final class ItResources implements AutoCloseable {
    private final String prefix;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();

    /** {@code prefix} starts the names of the databases it creates. */
    ItResources(String prefix) {
        this.prefix = prefix;
    }

    <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    /** A fresh database, dropped at {@link #close}; its JDBC URL. */
    String database(String purpose) {
        String url = TestPostgres.createDatabase(prefix + purpose);
        databases.add(url);
        return url;
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        databases.forEach(TestPostgres::dropDatabase);
    }
}
