package io.llmpipeline.launcher.process;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The entry point of every {@link ChildJvm}: exits (running the component's own shutdown hooks)
 * as soon as the launcher that started it is gone, so a launcher killed with kill -9 leaves no
 * broker, router or worker behind; then runs the component's main class.
 */
public final class ChildMain {
    static final String PARENT_PID = "LLM_PARENT_PID";

    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        watchParent(System.getenv(PARENT_PID));
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(String pid) {
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("launcher (pid " + pid + ") is gone; stopping");
                    System.exit(0);
                }),
                () -> System.exit(0));
    }
}
