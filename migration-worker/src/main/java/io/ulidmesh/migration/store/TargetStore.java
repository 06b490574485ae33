package io.ulidmesh.migration.store;

import io.ulidmesh.migration.domain.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Targets in the worker's database; the password only as AES-GCM ciphertext. */
@ApplicationScoped
public class TargetStore {
    /** A stored target with its encrypted password (null when none is stored). */
    public record Row(Target target, byte[] encryptedPassword) {
    }

    private final DataSource dataSource;

    TargetStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void upsert(Target target, byte[] encryptedPassword) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO target (name, jdbc_url, username, has_password, password_encrypted)"
                     + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET jdbc_url = EXCLUDED.jdbc_url,"
                     + " username = EXCLUDED.username, has_password = EXCLUDED.has_password,"
                     + " password_encrypted = EXCLUDED.password_encrypted, updated_at = now()")) {
            ps.setString(1, target.name());
            ps.setString(2, target.jdbcUrl());
            ps.setString(3, target.username());
            ps.setBoolean(4, target.hasPassword());
            ps.setBytes(5, encryptedPassword);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    public Optional<Row> find(String name) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, jdbc_url, username, has_password, password_encrypted FROM target WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    public List<Target> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, jdbc_url, username, has_password, password_encrypted FROM target ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<Target> targets = new ArrayList<>();
            while (rs.next()) {
                targets.add(row(rs).target());
            }
            return targets;
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(new Target(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)), rs.getBytes(5));
    }
}
