package io.llmpipeline.launcher.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./pipeline batch submit} in its own JVM with a small heap, as a user would run it: the
 * bench measures its heap apart from everything else, and can kill it with SIGKILL.
 */
final class SubmitterProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private SubmitterProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static SubmitterProcess start(Path dir, int heapMb, List<String> args) {
        try {
            Files.createDirectories(dir);
            Path output = dir.resolve("submitter-" + System.nanoTime() + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMb + "m", "-XX:+UseParallelGC",
                    "--enable-native-access=ALL-UNNAMED", "-Dllm.log.dir=" + dir.toAbsolutePath()));
            if (Runtime.version().feature() >= 24) {
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.llmpipeline.launcher.PipelineCli", "batch", "submit"));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new SubmitterProcess(process, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a submitter process in " + dir, e);
        }
    }

    /** Waits for it to end; returns its exit code. */
    int await(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("submitter did not end within " + timeoutSeconds + " s; see " + output);
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no flush, nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The value of {@code key=} in its output (last occurrence), or null. */
    String value(String key) {
        Matcher m = Pattern.compile("(?m)\\b" + Pattern.quote(key) + "=(\\S+)").matcher(log());
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return found;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
