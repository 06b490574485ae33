package io.ulidmesh.migration.domain.target;

import static io.ulidmesh.migration.domain.target.JdbcUrl.shown;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.JdbcUrl.HostPort;
import io.ulidmesh.migration.domain.target.JdbcUrl.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a target's JDBC URL may reach: PostgreSQL only the hosts the operator allows
 * ({@code ulidmesh.migration.allowed-hosts}), SQLite and DuckDB only files inside the allowed
 * folders ({@code ulidmesh.migration.allowed-paths}), and no engine an option outside its short
 * list of harmless ones. Options are allowed, not denied: a driver's next release adds options
 * (pgjdbc's factories and class names, SQLite's extension loading, DuckDB's external access and
 * init files) that a denylist would miss.
 *
 * <p>Every decision is made on the URL's text alone, except that symbolic links are followed where
 * the path exists; so a refusal never tells whether a file exists or a port is open.
 */
public final class TargetPolicy {
    private static final Pattern TRUE_FALSE = Pattern.compile("true|false");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,5}");
    private static final Map<Engine, Map<String, Pattern>> OPTIONS = Map.of(
            Engine.POSTGRESQL, Map.of(
                    "sslmode", Pattern.compile("disable|allow|prefer|require|verify-ca|verify-full"),
                    "ssl", TRUE_FALSE,
                    "currentSchema", Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}(,[A-Za-z_][A-Za-z0-9_$]{0,62}){0,7}"),
                    "connectTimeout", SECONDS,
                    "socketTimeout", SECONDS,
                    "loginTimeout", SECONDS,
                    "tcpKeepAlive", TRUE_FALSE,
                    "targetServerType", Pattern.compile("any|primary|secondary|preferPrimary|preferSecondary"),
                    "prepareThreshold", Pattern.compile("[0-9]{1,4}")),
            // The worker sets busy_timeout and the transaction mode itself; journal_mode belongs to the application.
            Engine.SQLITE, Map.of(),
            Engine.DUCKDB, Map.of(
                    "threads", Pattern.compile("[1-9][0-9]{0,3}"),
                    "memory_limit", Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,3})?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")));
    /** A URI scheme ({@code file:}, {@code md:}, {@code s3:}, ...); a Windows drive letter is not one. */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:[\\\\/]");

    private final List<HostPort> allowedHosts;
    private final List<Path> allowedFolders;

    /**
     * {@code allowedHosts}: {@code host} (any port) or {@code host:port}; {@code allowedFolders}:
     * relative ones from the working directory. IllegalArgumentException names a malformed entry.
     */
    public TargetPolicy(List<String> allowedHosts, List<Path> allowedFolders) {
        this.allowedHosts = allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty()).map(entry -> {
            HostPort host = HostPort.parse(entry, HostPort.ANY_PORT);
            if (host == null) {
                throw new IllegalArgumentException("ulidmesh.migration.allowed-hosts: '" + entry + "' is not host or host:port");
            }
            return host;
        }).toList();
        this.allowedFolders = allowedFolders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public List<HostPort> allowedHosts() {
        return allowedHosts;
    }

    public List<Path> allowedFolders() {
        return allowedFolders;
    }

    /** The URL taken apart when {@code target} may use it; INVALID_ARGUMENT saying why not otherwise. */
    public JdbcUrl check(String target, String jdbcUrl) {
        String subject = "jdbc_url of target '" + target + "'";
        JdbcUrl url = JdbcUrl.parse(subject, jdbcUrl);
        checkSecrets(subject, url);
        if (url.engine() == Engine.POSTGRESQL) {
            checkHosts(subject, url);
        } else {
            checkFile(subject, url);
        }
        checkOptions(subject, url);
        return url;
    }

    /** A URL is returned by ListTargets and logged: a secret must not ride in it, whatever its spelling. */
    private static void checkSecrets(String subject, JdbcUrl url) {
        for (Option option : url.options()) {
            if (option.looksSecret()) {
                throw DomainException.invalid(subject + " carries a password or other secret (option '"
                        + shown(option.normalizedKey()) + "'); give the password in the password field");
            }
            if (option.normalizedKey().equals("user")) {
                throw DomainException.invalid(subject + " carries option 'user'; give the user name in the username field");
            }
        }
    }

    private static void checkOptions(String subject, JdbcUrl url) {
        Map<String, Pattern> allowed = OPTIONS.get(url.engine());
        String name = url.engine().label();
        if (url.engine() == Engine.DUCKDB && url.optionSeparator() == '?') {
            throw DomainException.invalid(subject + ": DuckDB reads options after ';' (jdbc:duckdb:path;threads=4), not after '?'");
        }
        for (Option option : url.options()) {
            Pattern value = allowed.get(option.key());
            if (value == null) {
                throw DomainException.invalid(subject + ": option '" + shown(option.key()) + "' is not allowed for " + name + " targets ("
                        + (allowed.isEmpty() ? "they take no options" : "allowed: " + String.join(", ", new TreeSet<>(allowed.keySet()))) + ")");
            }
            if (!value.matcher(option.value()).matches()) {
                throw DomainException.invalid(subject + ": the value of option '" + option.key() + "' must match " + value.pattern());
            }
        }
    }

    private void checkHosts(String subject, JdbcUrl url) {
        for (HostPort host : url.hosts()) {
            if (allowedHosts.stream().noneMatch(allowed -> allowed.allows(host))) {
                throw DomainException.invalid(subject + ": host " + host + " is not in ulidmesh.migration.allowed-hosts");
            }
        }
    }

    private void checkFile(String subject, JdbcUrl url) {
        String path = url.path();
        if (path.isEmpty() || path.startsWith(":")) {
            throw DomainException.invalid(subject + " names an in-memory or resource database; give the path of a database file");
        }
        Matcher scheme = SCHEME.matcher(path);
        if (scheme.lookingAt() && !DRIVE.matcher(path).lookingAt()) {
            throw DomainException.invalid(subject + ": '" + shown(scheme.group(1)) + ":' names are refused; give a plain file path");
        }
        Path given;
        try {
            given = Path.of(path);
        } catch (InvalidPathException e) {
            throw DomainException.invalid(subject + ": '" + shown(path) + "' is not a file path");
        }
        for (Path part : given) {
            if (part.toString().equals("..")) {
                throw DomainException.invalid(subject + ": '" + shown(path) + "' climbs out of a folder with '..'; give a path without it");
            }
        }
        Path absolute = given.toAbsolutePath().normalize();
        // Lexically inside first (no file system access for paths outside), then where its links lead.
        if (!inside(absolute, false) || !inside(real(absolute), true)) {
            throw DomainException.invalid(subject + ": '" + shown(path) + "' is outside the folders of ulidmesh.migration.allowed-paths");
        }
    }

    /** Inside an allowed folder as its links resolve, or (lexically, {@code resolved} false) as configured. */
    private boolean inside(Path path, boolean resolved) {
        if (path == null) {
            return false;
        }
        for (Path folder : allowedFolders) {
            Path realFolder = Objects.requireNonNullElse(real(folder), folder);
            if (within(path, realFolder) || !resolved && within(path, folder)) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(Path path, Path folder) {
        return path.startsWith(folder) && !path.equals(folder);
    }

    /** {@code absolute} with every symbolic link of its existing part resolved; null when a link leads nowhere. */
    private static Path real(Path absolute) {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            Path resolved = existing.toRealPath();
            while (!missing.isEmpty()) {
                resolved = resolved.resolve(missing.pop());
            }
            return resolved;
        } catch (IOException danglingLink) {
            return null;
        }
    }
}
