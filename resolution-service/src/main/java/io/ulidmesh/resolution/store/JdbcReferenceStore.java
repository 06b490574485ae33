package io.ulidmesh.resolution.store;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.resolution.domain.Link;
import io.ulidmesh.resolution.domain.RegisteredReference;
import io.ulidmesh.resolution.domain.ReferenceStore;
import io.ulidmesh.resolution.domain.Registration;
import io.ulidmesh.resolution.domain.Stats;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The registry in PostgreSQL. Bulk statements take whole arrays ({@code unnest}/{@code = ANY}), so a
 * chunk of a thousand registrations is one round trip.
 */
public final class JdbcReferenceStore implements ReferenceStore {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int COPY_AT_LEAST = 64;
    private static final String COLUMNS = "ulid, system, reference_type, reference, metadata::text, registered_at, registered_by";

    private final DataSource dataSource;

    public JdbcReferenceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Bulk registration is mostly of new ULIDs, so a chunk first goes in as one COPY (about 1.5x the
     * rows/s of the INSERT below). A ULID already there aborts the COPY with a unique violation, and
     * the chunk is then inserted with ON CONFLICT, which tells new rows from present ones. Small chunks
     * skip the COPY: its three round trips cost more than the one INSERT.
     */
    @Override
    public Map<Ulid, Instant> insertAbsent(List<Registration> registrations) {
        Map<Ulid, Instant> copied = registrations.size() < COPY_AT_LEAST ? null : copyIfAllAbsent(registrations);
        return copied != null ? copied : insertSkippingPresent(registrations);
    }

    /** Every registration with the one transaction's time, or null (nothing written) when a ULID was already present. */
    private Map<Ulid, Instant> copyIfAllAbsent(List<Registration> registrations) {
        byte[] rows = copyRows(registrations);
        return Jdbc.inTransaction(dataSource, c -> {
            Instant now;
            try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                now = rs.getTimestamp(1).toInstant(); // registered_at defaults to now(): the transaction's start
            }
            try {
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY reference (ulid, system, reference_type, reference, metadata, registered_by) FROM STDIN");
                copy.writeToCopy(rows, 0, rows.length);
                copy.endCopy();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    c.rollback();
                    return null;
                }
                throw e;
            }
            Map<Ulid, Instant> inserted = new HashMap<>(registrations.size() * 2);
            for (Registration r : registrations) {
                inserted.put(r.ulid(), now);
            }
            return inserted;
        });
    }

    /** The rows in COPY's text format, UTF-8. */
    private static byte[] copyRows(List<Registration> registrations) {
        StringBuilder out = new StringBuilder(registrations.size() * 128);
        for (Registration r : registrations) {
            out.append(r.ulid().toUuid()).append('\t');
            copyField(out, r.system()).append('\t');
            copyField(out, r.referenceType()).append('\t');
            copyField(out, r.reference()).append('\t');
            copyField(out, metadataJson(r)).append('\t');
            copyField(out, r.actor()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code value} escaped for COPY's text format (backslash, tab, newline, carriage return). */
    private static StringBuilder copyField(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    private static String metadataJson(Registration r) {
        return r.metadata().isEmpty() ? "{}" : new JsonObject(new HashMap<>(r.metadata())).encode();
    }

    private Map<Ulid, Instant> insertSkippingPresent(List<Registration> registrations) {
        int n = registrations.size();
        UUID[] ulids = new UUID[n];
        String[] systems = new String[n];
        String[] types = new String[n];
        String[] references = new String[n];
        String[] metadata = new String[n];
        String[] actors = new String[n];
        for (int i = 0; i < n; i++) {
            Registration r = registrations.get(i);
            ulids[i] = r.ulid().toUuid();
            systems[i] = r.system();
            types[i] = r.referenceType();
            references[i] = r.reference();
            actors[i] = r.actor();
            metadata[i] = metadataJson(r);
        }
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO reference (ulid, system, reference_type, reference, metadata, registered_by)
                    SELECT u, s, t, r, m::jsonb, a
                    FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS x(u, s, t, r, m, a)
                    ON CONFLICT (ulid) DO NOTHING
                    RETURNING ulid, registered_at""")) {
                ps.setArray(1, c.createArrayOf("uuid", ulids));
                ps.setArray(2, c.createArrayOf("text", systems));
                ps.setArray(3, c.createArrayOf("text", types));
                ps.setArray(4, c.createArrayOf("text", references));
                ps.setArray(5, c.createArrayOf("text", metadata));
                ps.setArray(6, c.createArrayOf("text", actors));
                Map<Ulid, Instant> inserted = new HashMap<>(n * 2);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inserted.put(Ulid.from(rs.getObject(1, UUID.class)), rs.getTimestamp(2).toInstant());
                    }
                }
                return inserted;
            }
        });
    }

    @Override
    public List<RegisteredReference> find(Collection<Ulid> ulids) {
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM reference WHERE ulid = ANY(?)")) {
                ps.setArray(1, uuidArray(c, ulids));
                return references(ps);
            }
        });
    }

    @Override
    public Set<Ulid> registered(Collection<Ulid> ulids) {
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ulid FROM reference WHERE ulid = ANY(?)")) {
                ps.setArray(1, uuidArray(c, ulids));
                Set<Ulid> found = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(Ulid.from(rs.getObject(1, UUID.class)));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public List<Link> insertLinks(Collection<Link> links, String actor) {
        int n = links.size();
        UUID[] from = new UUID[n];
        UUID[] to = new UUID[n];
        String[] relation = new String[n];
        int i = 0;
        for (Link link : links) {
            from[i] = link.from().toUuid();
            to[i] = link.to().toUuid();
            relation[i++] = link.relation();
        }
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO link (from_ulid, to_ulid, relation, linked_by)
                    SELECT f, t, r, ? FROM unnest(?::uuid[], ?::uuid[], ?::text[]) AS l (f, t, r)
                    ON CONFLICT DO NOTHING
                    RETURNING from_ulid, to_ulid, relation""")) {
                ps.setString(1, actor);
                ps.setArray(2, c.createArrayOf("uuid", from));
                ps.setArray(3, c.createArrayOf("uuid", to));
                ps.setArray(4, c.createArrayOf("text", relation));
                return links(ps);
            }
        });
    }

    @Override
    public List<Link> linksTouching(Collection<Ulid> ulids) {
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT from_ulid, to_ulid, relation FROM link WHERE from_ulid = ANY(?1)
                    UNION
                    SELECT from_ulid, to_ulid, relation FROM link WHERE to_ulid = ANY(?1)""".replace("?1", "?"))) {
                Array array = uuidArray(c, ulids);
                ps.setArray(1, array);
                ps.setArray(2, array);
                return links(ps);
            }
        });
    }

    @Override
    public List<RegisteredReference> page(String system, Ulid after, int limit) {
        return Jdbc.withConnection(dataSource, c -> {
            boolean bySystem = system != null && !system.isEmpty();
            String sql = "SELECT " + COLUMNS + " FROM reference WHERE ulid > ?"
                    + (bySystem ? " AND system = ?" : "") + " ORDER BY " + (bySystem ? "system, ulid" : "ulid")
                    + " LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                ps.setObject(p++, after == null ? new UUID(0, 0) : after.toUuid());
                if (bySystem) {
                    ps.setString(p++, system);
                }
                ps.setInt(p, limit);
                return references(ps);
            }
        });
    }

    @Override
    public Stats stats() {
        return Jdbc.withConnection(dataSource, c -> {
            Map<String, Long> bySystem = new LinkedHashMap<>();
            long references = 0;
            long links;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT system, count(*) FROM reference GROUP BY system ORDER BY system");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bySystem.put(rs.getString(1), rs.getLong(2));
                    references += rs.getLong(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM link");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                links = rs.getLong(1);
            }
            return new Stats(references, links, bySystem);
        });
    }

    private static Array uuidArray(Connection c, Collection<Ulid> ulids) throws SQLException {
        UUID[] uuids = new UUID[ulids.size()];
        int i = 0;
        for (Ulid u : ulids) {
            uuids[i++] = u.toUuid();
        }
        return c.createArrayOf("uuid", uuids);
    }

    private static List<RegisteredReference> references(PreparedStatement ps) throws SQLException {
        List<RegisteredReference> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String json = rs.getString(5);
                Map<String, String> metadata = new HashMap<>();
                if (!"{}".equals(json)) {
                    new JsonObject(json).forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
                }
                out.add(new RegisteredReference(Ulid.from(rs.getObject(1, UUID.class)), rs.getString(2),
                        rs.getString(3), rs.getString(4), metadata, rs.getTimestamp(6).toInstant(), rs.getString(7)));
            }
        }
        return out;
    }

    private static List<Link> links(PreparedStatement ps) throws SQLException {
        List<Link> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Link(Ulid.from(rs.getObject(1, UUID.class)), Ulid.from(rs.getObject(2, UUID.class)),
                        rs.getString(3)));
            }
        }
        return out;
    }
}
