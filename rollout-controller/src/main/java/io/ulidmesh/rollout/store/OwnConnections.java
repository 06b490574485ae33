package io.ulidmesh.rollout.store;

import java.util.Properties;

/** Settings of the connections the controller opens outside the pool (the leadership lock, LISTEN). */
final class OwnConnections {
    private OwnConnections() {
    }

    /** Keepalives notice a dead server; the connection lives until this process closes it, never reaped by a pool. */
    static Properties properties(String username, String password, String application) {
        Properties p = new Properties();
        p.setProperty("user", username);
        p.setProperty("password", password);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", application);
        return p;
    }
}
