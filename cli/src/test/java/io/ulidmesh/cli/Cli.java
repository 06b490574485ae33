package io.ulidmesh.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI's entry point in-process, as a shell would: arguments, environment, working directory; captures output and exit code. */
final class Cli {
    /** What a run printed and its exit code. */
    record Run(int code, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        /** Output of -o json with --watch: one JSON object per line. */
        List<JsonObject> jsonLines() {
            return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        }

        List<String> lines() {
            return Arrays.stream(out.split("\n")).toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> environment;
    private final Path workingDirectory;

    Cli(Map<String, String> environment, Path workingDirectory) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    /** A fresh working directory with no local mesh above it (the temp folder). */
    static Path emptyDirectory() {
        try {
            return Files.createTempDirectory("ulidmesh-cli-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Ulidmesh.commandLine(environment, workingDirectory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String text(JsonElement e) {
        return e.getAsString();
    }
}
