package io.llmpipeline.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the simulator as a process, for docker-compose and {@code ./pipeline}. Stops on SIGTERM / Ctrl-C. */
@Command(name = "provider-sim", mixinStandardHelpOptions = true,
        description = "LLM provider simulator: OpenAI, Anthropic, Ollama and Gemini wire formats with scripted faults.")
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8089", description = "Port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}")
    int port;

    // all interfaces by default: docker-compose runs this main with only --port and reaches it from other containers
    @Option(names = "--host", defaultValue = "${env:LLM_SIM_HOST:-0.0.0.0}",
            description = "Interface to bind (env LLM_SIM_HOST). Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--faults", description = "YAML or JSON file: model (\"*\" = default) -> fault script")
    Path faults;

    @Option(names = "--idle-timeout-seconds", defaultValue = "60",
            description = "Close connections idle this long; also ends hung calls. Default: ${DEFAULT-VALUE}")
    long idleTimeoutSeconds;

    private final CountDownLatch stopped = new CountDownLatch(1);

    public static void main(String[] args) {
        // our own logging config, without shipping a logback.xml that would configure every embedding process
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/llmpipeline/sim/provider-sim-logback.xml");
        }
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        ProviderSimulator sim = start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "provider-sim-shutdown"));
        Logger log = LoggerFactory.getLogger(SimulatorMain.class);
        log.info("provider-sim listening on {}:{} (HTTP/1.1 and h2c); fault scripts for {}", host, sim.port(),
                faults == null ? "no model" : FaultScripts.load(faults).keySet());
        stopped.await();
        return 0;
    }

    /** Starts the simulator the options describe. */
    ProviderSimulator start() {
        Map<String, FaultScript> scripts = faults == null ? Map.of() : FaultScripts.load(faults);
        return ProviderSimulator.start(new SimulatorOptions(host, port, Clock.systemUTC(), Duration.ofSeconds(idleTimeoutSeconds), scripts));
    }
}
