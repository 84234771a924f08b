package io.llmpipeline.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link ProviderSimulator}.
 *
 * @param host        interface to bind (default 127.0.0.1; 0.0.0.0 in containers)
 * @param port        0 picks a free port
 * @param clock       time of the sliding windows (requests per minute, stats); inject a
 *                    controllable clock to test rate limits without waiting
 * @param idleTimeout a connection without traffic for this long is closed; also ends hung calls
 * @param scripts     fault scripts to install at start, by model ("*" = default)
 */
public record SimulatorOptions(String host, int port, Clock clock, Duration idleTimeout,
                               Map<String, FaultScript> scripts) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(clock, "clock");
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        scripts = Map.copyOf(scripts);
    }

    public static SimulatorOptions defaults() {
        return new SimulatorOptions(DEFAULT_HOST, 0, Clock.systemUTC(), DEFAULT_IDLE_TIMEOUT, Map.of());
    }

    public SimulatorOptions withHost(String host) {
        return new SimulatorOptions(host, port, clock, idleTimeout, scripts);
    }

    public SimulatorOptions withPort(int port) {
        return new SimulatorOptions(host, port, clock, idleTimeout, scripts);
    }

    public SimulatorOptions withClock(Clock clock) {
        return new SimulatorOptions(host, port, clock, idleTimeout, scripts);
    }

    public SimulatorOptions withIdleTimeout(Duration idleTimeout) {
        return new SimulatorOptions(host, port, clock, idleTimeout, scripts);
    }

    public SimulatorOptions withScripts(Map<String, FaultScript> scripts) {
        return new SimulatorOptions(host, port, clock, idleTimeout, scripts);
    }
}
