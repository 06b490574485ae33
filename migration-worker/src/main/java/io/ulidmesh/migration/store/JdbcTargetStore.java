package io.ulidmesh.migration.store;

import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.migration.domain.target.StoredTarget;
import io.ulidmesh.migration.domain.target.TargetDatabase;
import io.ulidmesh.migration.domain.target.TargetRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Targets in the worker's database; the password only as AES-GCM ciphertext. */
@ApplicationScoped
public class JdbcTargetStore implements TargetRepository {
    private static final String SELECT = "SELECT name, jdbc_url, username, has_password, password_encrypted FROM target";

    private final DataSource dataSource;

    JdbcTargetStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void upsert(TargetDatabase target, byte[] sealedPassword) {
        Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO target (name, jdbc_url, username, has_password, password_encrypted)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET jdbc_url = EXCLUDED.jdbc_url,"
                    + " username = EXCLUDED.username, has_password = EXCLUDED.has_password,"
                    + " password_encrypted = EXCLUDED.password_encrypted, updated_at = now()")) {
                ps.setString(1, target.name());
                ps.setString(2, target.jdbcUrl());
                ps.setString(3, target.username());
                ps.setBoolean(4, target.hasPassword());
                ps.setBytes(5, sealedPassword);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredTarget> find(String name) {
        return query(SELECT + " WHERE name = ?", name).stream().findFirst();
    }

    @Override
    public List<TargetDatabase> list() {
        return query(SELECT + " ORDER BY name", null).stream().map(StoredTarget::target).toList();
    }

    private List<StoredTarget> query(String sql, String name) {
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (name != null) {
                    ps.setString(1, name);
                }
                List<StoredTarget> targets = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        targets.add(new StoredTarget(new TargetDatabase(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBoolean(4)), rs.getBytes(5)));
                    }
                }
                return targets;
            }
        });
    }
}
