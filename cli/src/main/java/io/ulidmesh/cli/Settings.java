package io.ulidmesh.cli;

import io.ulidmesh.cli.Mesh.Service;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the services are and how to reach them, from the options, else the environment, else the
 * local mesh: addresses (default localhost:8681..8684), the bearer token and the TLS files. A
 * setting that cannot be used is an {@link IllegalArgumentException} saying which and why, which
 * the command line turns into a usage error (exit 2).
 */
final class Settings {
    /** The admin token {@code ./mesh up} writes, relative to the repository. */
    static final Path MESH_TOKEN = Path.of(".mesh", "secrets", "admin.jwt");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

    record Address(String host, int port, String text) {
        static Address parse(String text, String from) {
            Matcher m = HOST_PORT.matcher(text.strip());
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(from + ": '" + text + "' is not HOST:PORT (e.g. localhost:8683)");
            }
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            return new Address(host, port, text.strip());
        }
    }

    private final Map<Service, Address> addresses = new EnumMap<>(Service.class);
    private final Optional<String> token;
    private final String tokenSource;
    private final boolean tls;
    private final Path tlsCa;
    private final Path tlsCert;
    private final Path tlsKey;

    private Settings(Optional<String> token, String tokenSource, boolean tls, Path tlsCa, Path tlsCert, Path tlsKey) {
        this.token = token;
        this.tokenSource = tokenSource;
        this.tls = tls;
        this.tlsCa = tlsCa;
        this.tlsCert = tlsCert;
        this.tlsKey = tlsKey;
    }

    /** The settings of {@code root}'s options, its environment and working directory. */
    static Settings of(Ulidmesh root) {
        Map<String, String> env = root.environment();
        Path tokenFile = file(root.tokenFile, env, "ULIDMESH_TOKEN_FILE", root.workingDirectory());
        String tokenSource;
        Optional<String> token;
        if (tokenFile != null) {
            token = Optional.of(readToken(tokenFile, root.tokenFile != null ? "--token-file" : "ULIDMESH_TOKEN_FILE"));
            tokenSource = tokenFile.toString();
        } else {
            List<Path> candidates = meshTokenCandidates(root.workingDirectory());
            Optional<Path> found = candidates.stream().filter(Files::isRegularFile).findFirst();
            token = found.map(p -> readToken(p, "the local mesh's token"));
            tokenSource = found.map(Path::toString).orElse("none (no --token-file, no ULIDMESH_TOKEN_FILE, no "
                    + MESH_TOKEN + " in " + root.workingDirectory() + " or above it)");
        }
        Path ca = file(root.tlsCa, env, "ULIDMESH_TLS_CA", root.workingDirectory());
        Path cert = file(root.tlsCert, env, "ULIDMESH_TLS_CERT", root.workingDirectory());
        Path key = file(root.tlsKey, env, "ULIDMESH_TLS_KEY", root.workingDirectory());
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key (ULIDMESH_TLS_CERT, ULIDMESH_TLS_KEY) go together: "
                    + "the client certificate and its private key");
        }
        for (Path p : new Path[] {ca, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read TLS file " + p);
            }
        }
        boolean tls = root.tls || truthy(env.get("ULIDMESH_TLS")) || ca != null || cert != null;
        Settings settings = new Settings(token, tokenSource, tls, ca, cert, key);
        Map<Service, String> given = root.addressOptions();
        for (Service s : Service.values()) {
            String option = given.get(s);
            String variable = env.get(s.variable);
            if (option != null) {
                settings.addresses.put(s, Address.parse(option, s.option));
            } else if (variable != null && !variable.isBlank()) {
                settings.addresses.put(s, Address.parse(variable, s.variable));
            } else {
                settings.addresses.put(s, Address.parse(s.defaultAddress, "default"));
            }
        }
        return settings;
    }

    Address address(Service service) {
        return addresses.get(service);
    }

    Optional<String> token() {
        return token;
    }

    /** The token file used, or where the token was looked for. */
    String tokenSource() {
        return tokenSource;
    }

    boolean tls() {
        return tls;
    }

    Path tlsCa() {
        return tlsCa;
    }

    Path tlsCert() {
        return tlsCert;
    }

    Path tlsKey() {
        return tlsKey;
    }

    /** {@code .mesh/secrets/admin.jwt} in the working directory and each one above it, then above the jar this runs from. */
    static List<Path> meshTokenCandidates(Path workingDirectory) {
        List<Path> candidates = new ArrayList<>();
        for (Path dir = workingDirectory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve(MESH_TOKEN));
        }
        jarDirectory().ifPresent(jarDir -> {
            for (Path dir = jarDir; dir != null; dir = dir.getParent()) {
                candidates.add(dir.resolve(MESH_TOKEN));
            }
        });
        return candidates;
    }

    /** The folder of the jar this runs from (cli/target in a clone); empty when it runs from classes. */
    private static Optional<Path> jarDirectory() {
        try {
            var source = Settings.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return location.toString().endsWith(".jar") ? Optional.ofNullable(location.toAbsolutePath().getParent()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Path file(Path option, Map<String, String> env, String variable, Path workingDirectory) {
        if (option != null) {
            return workingDirectory.resolve(option);
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : workingDirectory.resolve(value.strip());
    }

    private static String readToken(Path file, String from) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException(from + ": " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException(from + ": cannot read the token file " + file + " ("
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()) + ")");
        }
    }

    private static boolean truthy(String value) {
        return value != null && switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }
}
