package io.ulidmesh.cli;

import io.ulidmesh.cli.Mesh.Service;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code ulidmesh}: the operator's terminal for rollouts, flags, migrations and ULIDs. The options
 * here apply to every command and may stand anywhere on the line.
 */
@Command(name = "ulidmesh", versionProvider = Ulidmesh.Version.class,
        description = {"One tool for the mesh's rollouts, flags, migrations and ULIDs, over its gRPC contracts.", "",
                "Addresses come from the options, else ULIDMESH_RESOLUTION_ADDR, ULIDMESH_FLAGS_ADDR, ULIDMESH_CONTROLLER_ADDR,"
                        + " ULIDMESH_WORKER_ADDR, else localhost:8681..8684. The token comes from --token-file, else"
                        + " ULIDMESH_TOKEN_FILE, else the local mesh's .mesh/secrets/admin.jwt (looked for from here upwards)."},
        footer = {"", "Exit codes: 0 success; 1 a service refused or could not be reached (one line says why and what to do);"
                + " 2 bad usage."},
        subcommands = {RolloutCommands.class, FlagCommands.class, MigrateCommands.class, UlidCommands.class,
                Completion.class, CommandLine.HelpCommand.class})
public final class Ulidmesh {
    /** Output format of every command. */
    enum Format { text, json }

    @Option(names = "--resolution", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "resolution-service (env ULIDMESH_RESOLUTION_ADDR; default localhost:8681)")
    String resolution;
    @Option(names = "--flags", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "flag-service (env ULIDMESH_FLAGS_ADDR; default localhost:8682)")
    String flags;
    @Option(names = "--controller", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "rollout-controller (env ULIDMESH_CONTROLLER_ADDR; default localhost:8683)")
    String controller;
    @Option(names = "--worker", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "migration-worker (env ULIDMESH_WORKER_ADDR; default localhost:8684)")
    String worker;
    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "a file holding the bearer JWT (env ULIDMESH_TOKEN_FILE; default the local mesh's .mesh/secrets/admin.jwt)")
    Path tokenFile;
    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "use TLS, trusting the JVM's CAs (env ULIDMESH_TLS=true); implied by --tls-ca and --tls-cert")
    boolean tls;
    @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM CA the services' certificates are checked against; turns TLS on (env ULIDMESH_TLS_CA;"
                    + " ./mesh up --tls makes .mesh/tls/ca.pem)")
    Path tlsCa;
    @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM client certificate for mTLS (env ULIDMESH_TLS_CERT); needs --tls-key")
    Path tlsCert;
    @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "its PKCS#8 PEM private key (env ULIDMESH_TLS_KEY)")
    Path tlsKey;
    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "text|json", defaultValue = "text",
            description = "text for people (default), json for scripts")
    Format output;

    private final Map<String, String> environment;
    private final Path workingDirectory;

    public Ulidmesh(Map<String, String> environment, Path workingDirectory) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine(System.getenv(), Path.of(""));
        cli.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        System.exit(cli.execute(args));
    }

    /** The command line over {@code environment} and {@code workingDirectory}; tests run it in-process. */
    public static CommandLine commandLine(Map<String, String> environment, Path workingDirectory) {
        CommandLine cli = new CommandLine(new Ulidmesh(environment, workingDirectory));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        configureHelp(cli, true);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    /**
     * Every command gets -h/--help; below the top, the synopsis is abbreviated and the help lists the
     * command's own options, the global ones (which may stand anywhere) in one line.
     */
    private static void configureHelp(CommandLine command, boolean top) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        if (!top) {
            command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
            command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, Ulidmesh::ownOptions);
        }
        command.getSubcommands().values().forEach(sub -> configureHelp(sub, false));
    }

    private static String ownOptions(CommandLine.Help help) {
        CommandLine.Help.Layout layout = help.createDefaultLayout();
        help.commandSpec().options().stream().filter(o -> !o.hidden() && !o.inherited())
                .sorted(Comparator.comparing(o -> o.shortestName().replaceFirst("^-+", "").toLowerCase(Locale.ROOT)))
                .forEach(o -> layout.addOption(o, help.parameterLabelRenderer()));
        return layout + "Global options (see ulidmesh --help): -o text|json, --token-file, --resolution, --flags, --controller,"
                + " --worker, --tls, --tls-ca, --tls-cert, --tls-key" + System.lineSeparator();
    }

    Map<String, String> environment() {
        return environment;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    boolean json() {
        return output == Format.json;
    }

    Map<Service, String> addressOptions() {
        Map<Service, String> given = new EnumMap<>(Service.class);
        put(given, Service.RESOLUTION, resolution);
        put(given, Service.FLAGS, flags);
        put(given, Service.CONTROLLER, controller);
        put(given, Service.WORKER, worker);
        return given;
    }

    private static void put(Map<Service, String> given, Service service, String value) {
        if (value != null) {
            given.put(service, value);
        }
    }

    /** The version in the jar's manifest (the Maven project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Ulidmesh.class.getPackage().getImplementationVersion();
            return new String[] {"ulidmesh " + (v == null ? "(development build)" : v)};
        }
    }
}
