package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.text.InputText;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A target's JDBC URL taken apart the way its driver reads it, so that {@link TargetPolicy} judges
 * what the driver will do: pgjdbc's {@code jdbc:postgresql://host[:port][,host[:port]...]/database?k=v&...},
 * xerial's {@code jdbc:sqlite:path?k=v&...} and DuckDB's {@code jdbc:duckdb:path;k=v;...}. Refusals
 * never repeat the URL or an option's value: either may hold a secret.
 *
 * @param optionSeparator the character that started the options ({@code ?} or {@code ;}), 0 when none
 */
public record JdbcUrl(Engine engine, List<HostPort> hosts, String database, String path, char optionSeparator,
                      List<Option> options) {
    public static final int MAX_BYTES = 2048;
    public static final int POSTGRES_PORT = 5432;
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}");
    private static final Pattern SECRET = Pattern.compile(".*(pass|pwd|secret|token|credential).*");
    private static final String POSTGRES_SHAPE = " must be jdbc:postgresql://host[:port][,host[:port]...]/database[?option=value&...]";

    /** A host as written in a URL or in {@code allowed-hosts}; port {@link #ANY_PORT} allows every port. */
    public record HostPort(String host, int port) {
        public static final int ANY_PORT = 0;
        private static final Pattern NAME = Pattern.compile(
                "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
        private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");

        /** {@code host}, {@code host:port} or {@code [v6]:port}; null when it is none of them. */
        public static HostPort parse(String text, int defaultPort) {
            String host = text;
            String port = null;
            int colon = text.lastIndexOf(':');
            if (colon > text.lastIndexOf(']')) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
            if (!(IPV6.matcher(host).matches() || NAME.matcher(host).matches())) {
                return null;
            }
            int number = defaultPort;
            if (port != null) {
                if (!port.matches("[0-9]{1,5}")) {
                    return null;
                }
                number = Integer.parseInt(port);
                if (number < 1 || number > 65_535) {
                    return null;
                }
            }
            return new HostPort(host.toLowerCase(Locale.ROOT), number);
        }

        /** Host names are compared as written (no DNS lookup), ignoring case. */
        public boolean allows(HostPort wanted) {
            return host.equals(wanted.host) && (port == ANY_PORT || port == wanted.port);
        }

        @Override
        public String toString() {
            return port == ANY_PORT ? host : host + ":" + port;
        }
    }

    /**
     * One option as written, and its key as a lenient reader would take it (percent-decoded,
     * trimmed, lower case), which is what secrets are looked for in.
     */
    public record Option(String key, String value, String normalizedKey) {
        public boolean looksSecret() {
            return SECRET.matcher(normalizedKey).matches();
        }
    }

    /** Takes {@code url} apart; INVALID_ARGUMENT naming {@code subject} (e.g. "jdbc_url of target 'x'") when malformed. */
    public static JdbcUrl parse(String subject, String url) {
        if (url == null || url.isEmpty()) {
            throw DomainException.invalid(subject + " is required");
        }
        int bytes = url.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw DomainException.invalid(subject + " is " + bytes + " bytes long; at most " + MAX_BYTES + " (2 KiB)");
        }
        InputText.plain(subject, url);
        Engine engine = Engine.ofUrl(url);
        String rest = url.substring(engine.prefix().length());
        return engine == Engine.POSTGRESQL ? postgres(subject, rest) : file(engine, rest);
    }

    private static JdbcUrl postgres(String subject, String rest) {
        int query = rest.indexOf('?');
        String server = query < 0 ? rest : rest.substring(0, query);
        List<Option> options = options(query < 0 ? "" : rest.substring(query + 1), "&");
        if (!server.startsWith("//")) {
            throw DomainException.invalid(subject + POSTGRES_SHAPE);
        }
        int slash = server.indexOf('/', 2);
        String authority = server.substring(2, slash < 0 ? server.length() : slash);
        if (authority.contains("@")) {
            throw DomainException.invalid(subject + " carries user information before '@'; give the user name and the password"
                    + " in the username and password fields");
        }
        if (slash < 0 || authority.isEmpty()) {
            throw DomainException.invalid(subject + POSTGRES_SHAPE);
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String address : authority.split(",", -1)) {
            HostPort host = HostPort.parse(address, POSTGRES_PORT);
            if (host == null) {
                throw DomainException.invalid(subject + ": '" + shown(address) + "' is not a host name or IP address with an optional"
                        + " port 1..65535");
            }
            hosts.add(host);
        }
        String database = server.substring(slash + 1);
        if (!DATABASE.matcher(database).matches()) {
            throw DomainException.invalid(subject + ": database '" + shown(database) + "' must match " + DATABASE.pattern());
        }
        return new JdbcUrl(Engine.POSTGRESQL, hosts, database, null, query < 0 ? 0 : '?', options);
    }

    /** SQLite reads options after '?' (joined by '&'), DuckDB after ';' (joined by ';'); the path ends at either. */
    private static JdbcUrl file(Engine engine, String rest) {
        int cut = 0;
        while (cut < rest.length() && rest.charAt(cut) != '?' && rest.charAt(cut) != ';') {
            cut++;
        }
        if (cut == rest.length()) {
            return new JdbcUrl(engine, List.of(), null, rest, (char) 0, List.of());
        }
        char separator = rest.charAt(cut);
        return new JdbcUrl(engine, List.of(), null, rest.substring(0, cut), separator,
                options(rest.substring(cut + 1), separator == '?' ? "&" : ";"));
    }

    private static List<Option> options(String text, String separator) {
        List<Option> options = new ArrayList<>();
        for (String token : text.split(Pattern.quote(separator), -1)) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String key = eq < 0 ? token : token.substring(0, eq);
            options.add(new Option(key, eq < 0 ? "" : token.substring(eq + 1), normalized(key)));
        }
        return options;
    }

    private static String normalized(String key) {
        String decoded;
        try {
            decoded = URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            decoded = key;
        }
        return decoded.strip().toLowerCase(Locale.ROOT);
    }

    /** A caller's value in a message: cut short, so a message stays readable. */
    static String shown(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }
}
