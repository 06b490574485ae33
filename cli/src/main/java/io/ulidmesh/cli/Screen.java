package io.ulidmesh.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Where a live view goes. On a terminal the whole view is redrawn in place (cursor home, each line
 * cleared to its end, the rest of the screen cleared; the first frame clears the screen); piped,
 * or with {@code --plain}, the watcher appends lines instead.
 */
final class Screen {
    static final String HOME = "\u001b[H";
    static final String CLEAR_SCREEN = "\u001b[2J";
    static final String CLEAR_LINE = "\u001b[K";
    static final String CLEAR_BELOW = "\u001b[J";
    private static final String HIDE_CURSOR = "\u001b[?25l";
    private static final String SHOW_CURSOR = "\u001b[?25h";

    private final PrintWriter out;
    private final boolean live;
    private boolean drawn;
    private Thread restoreCursor;

    private Screen(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Live on a terminal (the JVM has a console) unless {@code plain}; else lines. */
    static Screen choose(boolean plain, PrintWriter out) {
        return new Screen(out, !plain && System.console() != null);
    }

    boolean live() {
        return live;
    }

    /** Redraws the view in place (live only). */
    synchronized void frame(List<String> lines) {
        if (!live) {
            return;
        }
        StringBuilder s = new StringBuilder();
        if (!drawn) {
            s.append(HIDE_CURSOR).append(CLEAR_SCREEN);
            drawn = true;
            restoreCursor = new Thread(() -> {
                out.print(SHOW_CURSOR);
                out.flush();
            }, "ulidmesh-restore-cursor");
            Runtime.getRuntime().addShutdownHook(restoreCursor);
        }
        s.append(HOME);
        for (String line : lines) {
            s.append(line).append(CLEAR_LINE).append('\n');
        }
        s.append(CLEAR_BELOW);
        out.print(s);
        out.flush();
    }

    /** Appends one line (plain only). */
    synchronized void line(String text) {
        if (live) {
            return;
        }
        out.println(text);
        out.flush();
    }

    /** Leaves the last frame on the screen and gives the cursor back. */
    synchronized void close() {
        if (live && drawn) {
            out.print(SHOW_CURSOR);
            out.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreCursor);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }
}
