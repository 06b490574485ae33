package io.ulidmesh.migration.writer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs {@link OldCodeWriter} as a separate JVM on this test's class path and reads its report. */
public final class WriterProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch started = new CountDownLatch(1);

    /** What the writer reports when stopped: rows inserted and insert latency percentiles. */
    public record Result(long rows, double p50Millis, double p99Millis, double maxMillis) {
    }

    private WriterProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.equals("started")) {
                        started.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            started.countDown();
        }, "old-code-writer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts inserting {@code rowsPerSecond} rows a second from id {@code firstId}; returns once it runs. */
    public static WriterProcess start(String engine, String url, String user, String password, long firstId, double rowsPerSecond)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OldCodeWriter.class.getName(),
                engine, url, user, password, Long.toString(firstId), Double.toString(rowsPerSecond));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        WriterProcess writer = new WriterProcess(builder.start());
        if (!writer.started.await(60, TimeUnit.SECONDS) || !writer.process.isAlive()) {
            writer.close();
            throw new IllegalStateException("the writer did not start: " + writer.lines);
        }
        return writer;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public List<String> output() {
        return List.copyOf(lines);
    }

    /** Closes its input, which stops it, and returns its report; fails when it failed. */
    public Result stop() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the writer did not stop: " + lines);
        }
        Thread.sleep(50);
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (process.exitValue() != 0 || !last.startsWith("done ")) {
            throw new AssertionError("the old-code writer failed (exit " + process.exitValue() + "): " + lines);
        }
        String[] f = last.split(" ");
        return new Result(Long.parseLong(f[1]), Double.parseDouble(f[3]), Double.parseDouble(f[5]), Double.parseDouble(f[7]));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
