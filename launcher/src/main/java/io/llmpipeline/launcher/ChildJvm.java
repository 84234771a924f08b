package io.llmpipeline.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A pipeline service in a JVM of its own, on this JVM's class path: how the bench runs the worker and the HTTP API. */
final class ChildJvm {
    private ChildJvm() {
    }

    static List<String> command(Path logDir, int heapMb, String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMb + "m", "-XX:+UseParallelGC",
                "--enable-native-access=ALL-UNNAMED", "-Dllm.log.dir=" + logDir.toAbsolutePath()));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /** SIGTERM, so the service stops cleanly; killed if it has not within 20 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
