package io.llmpipeline.http;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * How the HTTP API runs.
 *
 * @param host                 interface to listen on
 * @param port                 port (0 = any free port)
 * @param resultTimeout        how long a synchronous call waits for its result; also the request's deadline
 * @param indexCapacity        requests remembered in memory (with their results) for {@code GET /v1/requests/{id}}
 * @param clock                time of the per-key rate limits (ids and deadlines use the wall clock the pipeline judges them by)
 * @param env                  where secrets named in the catalog ({@code callbackSecretEnv}) are read
 * @param callbackScheduler    runs callback retries; null = a daemon scheduler of the API's own
 * @param callbackAttempts     deliveries tried per callback before giving up
 * @param callbackFirstBackoff wait before the first retry; doubled each time, at most 5 minutes
 * @param filesDir             where the Files API keeps uploads and batch results, one directory per tenant
 */
public record HttpApiOptions(String host, int port, Duration resultTimeout, int indexCapacity, Clock clock,
                             Function<String, String> env, RetryScheduler callbackScheduler, int callbackAttempts,
                             Duration callbackFirstBackoff, Path filesDir) {
    public static HttpApiOptions defaults() {
        return new HttpApiOptions("127.0.0.1", 0, Duration.ofSeconds(120), 100_000, Clock.systemUTC(), System::getenv, null, 6,
                Duration.ofSeconds(1), Path.of(System.getProperty("java.io.tmpdir"), "llm-pipeline-http-files"));
    }

    public HttpApiOptions withHost(String value) {
        return new HttpApiOptions(value, port, resultTimeout, indexCapacity, clock, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withPort(int value) {
        return new HttpApiOptions(host, value, resultTimeout, indexCapacity, clock, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withResultTimeout(Duration value) {
        return new HttpApiOptions(host, port, value, indexCapacity, clock, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withIndexCapacity(int value) {
        return new HttpApiOptions(host, port, resultTimeout, value, clock, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withClock(Clock value) {
        return new HttpApiOptions(host, port, resultTimeout, indexCapacity, value, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withEnv(Function<String, String> value) {
        return new HttpApiOptions(host, port, resultTimeout, indexCapacity, clock, value, callbackScheduler, callbackAttempts, callbackFirstBackoff, filesDir);
    }

    public HttpApiOptions withCallbacks(RetryScheduler scheduler, int attempts, Duration firstBackoff) {
        return new HttpApiOptions(host, port, resultTimeout, indexCapacity, clock, env, scheduler, attempts, firstBackoff, filesDir);
    }

    public HttpApiOptions withFilesDir(Path value) {
        return new HttpApiOptions(host, port, resultTimeout, indexCapacity, clock, env, callbackScheduler, callbackAttempts, callbackFirstBackoff, value);
    }
}
