package io.llmpipeline.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
    static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A component that runs until stopped and leaves a mark when its shutdown hooks run. */
    public static final class Sleeper {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(System.getenv("TEST_DIR"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(dir.resolve("stopped-cleanly"), "yes");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
            Files.writeString(dir.resolve("pid"), Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** A launcher in miniature: starts a {@link Sleeper} of its own, then runs until killed. */
    public static final class Launcher {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(System.getenv("TEST_DIR"));
            ChildJvm.start("sleeper", Sleeper.class.getName(), Map.of("TEST_DIR", dir.resolve("grandchild").toString()),
                    dir.resolve("grandchild"), 64);
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void shouldLetAChildRunItsShutdownHooksWhenTerminated(@TempDir Path dir) {
        ChildJvm child = ChildJvm.start("sleeper", Sleeper.class.getName(), Map.of("TEST_DIR", dir.toString()), dir, 64);
        await().atMost(PATIENCE).until(() -> Files.exists(dir.resolve("pid")));

        child.terminate(Duration.ofSeconds(30));

        assertThat(child.isAlive()).isFalse();
        assertThat(dir.resolve("stopped-cleanly")).exists();
    }

    @Test
    void shouldStopAGrandchildWhenItsLauncherIsKilledWithoutHooks(@TempDir Path dir) throws Exception {
        ChildJvm launcher = ChildJvm.start("launcher", Launcher.class.getName(), Map.of("TEST_DIR", dir.toString()), dir, 128);
        Path grandchildPid = dir.resolve("grandchild").resolve("pid");
        await().atMost(PATIENCE).until(() -> Files.exists(grandchildPid) && !Files.readString(grandchildPid).isBlank());
        long pid = Long.parseLong(Files.readString(grandchildPid).strip());
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        launcher.kill();

        await().atMost(PATIENCE).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(dir.resolve("grandchild").resolve("stopped-cleanly")).exists();
    }
}
