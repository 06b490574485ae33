package io.ulidmesh.cli;

import picocli.CommandLine.Option;

/** {@code --watch} and {@code --plain} of the commands with a live view. */
final class WatchOptions {
    @Option(names = {"-w", "--watch"}, description = "follow it live")
    boolean watch;
    @Option(names = "--plain", description = "with --watch: append lines instead of redrawing, even on a terminal")
    boolean plain;

    /** Redrawn in place on a terminal; lines when piped, with --plain, or with -o json. */
    Screen screen(MeshCommand command) {
        return Screen.choose(plain || command.json(), command.out());
    }
}
