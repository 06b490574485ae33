package io.ulidmesh.bench.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time another process on this machine has used (Linux {@code /proc/<pid>/stat}, user + system),
 * so a benchmark can give a service's throughput per core-second of its own, apart from the load
 * generator and PostgreSQL sharing the machine.
 */
public final class ProcessCpu {
    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;
    private final Path stat;

    private ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** The process to account for, or null when {@code pid} is 0 (not asked for). */
    public static ProcessCpu of(long pid) {
        return pid == 0 ? null : new ProcessCpu(pid);
    }

    /** User plus system CPU seconds used so far. */
    public double seconds() {
        try {
            String text = Files.readString(stat);
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + stat, e);
        }
    }
}
