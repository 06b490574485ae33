package io.ulidmesh.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the mesh: it resolves the settings (a bad one is a usage error, exit 2),
 * opens the connections, runs, and turns a refusal into one line on stderr and exit 1.
 */
abstract class MeshCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Runs the command; returns its exit code. */
    abstract int run(Mesh mesh) throws Exception;

    @Override
    public final Integer call() throws Exception {
        Settings settings;
        try {
            settings = Settings.of(root());
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        Mesh mesh = new Mesh(settings);
        try (mesh) {
            return run(mesh);
        } catch (StatusRuntimeException e) {
            out().flush();
            err().println(Refusal.line(e, mesh.lastFailure(), settings));
            return 1;
        } catch (UsageError e) {
            return usageError(e.getMessage());
        }
    }

    /** Bad input found while running (an unreadable file, a bad value): exit 2 like picocli's own usage errors. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private int usageError(String message) {
        err().println("error: " + message);
        err().println("Try '" + spec.qualifiedName() + " --help' for more information.");
        return spec.exitCodeOnInvalidInput();
    }

    Ulidmesh root() {
        return (Ulidmesh) spec.root().userObject();
    }

    boolean json() {
        return root().json();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
