package io.llmpipeline.sim.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

import io.llmpipeline.sim.ProviderSimulator;
import io.llmpipeline.sim.SimulatorOptions;

/**
 * Closed-loop load generator for provider-sim: {@code concurrency} callers, each sending its next
 * OpenAI chat request as soon as the previous one completes, for a fixed time after a warm-up.
 * Uses Apache HttpClient 5 async, like the worker.
 *
 * <pre>
 * SimLoad [--url http://127.0.0.1:8089] [--concurrency 64] [--latency-ms 0] [--seconds 10]
 *         [--warmup-seconds 3] [--h2] [--io-threads 1] [--stream]
 * </pre>
 * Without {@code --url} the simulator is started in this JVM. The scripted latency is set on the
 * simulator through its admin API ({@code PUT /_sim/faults/*}).
 */
public final class SimLoad {

    public static void main(String[] args) throws Exception {
        String url = null;
        int concurrency = 64;
        long latencyMs = 0;
        int seconds = 10;
        int warmupSeconds = 3;
        boolean h2 = false;
        boolean stream = false;
        int ioThreads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--io-threads" -> ioThreads = Integer.parseInt(args[++i]);
                case "--h2" -> h2 = true;
                case "--stream" -> stream = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ProviderSimulator embedded = null;
        if (url == null) {
            embedded = ProviderSimulator.start(SimulatorOptions.defaults());
            url = embedded.baseUrl();
        }
        try {
            setLatency(url, latencyMs);
            Result result = run(url, concurrency, seconds, warmupSeconds, h2, stream, ioThreads);
            System.out.printf("concurrency=%d latencyMs=%d protocol=%s stream=%s embedded=%s: %d ok, %d errors in %.1f s = %.0f completed/s;"
                            + " latency p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                    concurrency, latencyMs, h2 ? "h2c" : "http/1.1", stream, embedded != null, result.ok, result.errors,
                    result.seconds, result.ok / result.seconds, result.latency.getValueAtPercentile(50) / 1e3,
                    result.latency.getValueAtPercentile(99) / 1e3, result.latency.getMaxValue() / 1e3);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    record Result(long ok, long errors, double seconds, Histogram latency) {
    }

    static void setLatency(String url, long latencyMs) throws Exception {
        HttpClient admin = HttpClient.newHttpClient();
        HttpResponse<String> response = admin.send(HttpRequest.newBuilder(URI.create(url + "/_sim/faults/*"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"latencyMs\":" + latencyMs + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("could not script the latency: " + response.statusCode() + " " + response.body());
        }
    }

    static Result run(String url, int concurrency, int seconds, int warmupSeconds, boolean h2, boolean stream, int ioThreads)
            throws Exception {
        IOReactorConfig reactor = IOReactorConfig.custom().setIoThreadCount(ioThreads).setSoTimeout(Timeout.ofSeconds(60)).build();
        RequestConfig requestConfig = RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(60)).build();
        CloseableHttpAsyncClient client = h2
                ? HttpAsyncClients.customHttp2().setIOReactorConfig(reactor).setDefaultRequestConfig(requestConfig)
                .setH2Config(H2Config.custom().setMaxConcurrentStreams(concurrency).setPushEnabled(false).build()).build()
                : HttpAsyncClients.custom().setIOReactorConfig(reactor).setDefaultRequestConfig(requestConfig)
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(30)).build())
                        .build())
                .build();
        client.start();
        String body = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a benchmark.\"},"
                + "{\"role\":\"user\",\"content\":\"Summarise the load test in one short sentence please.\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
        URI uri = URI.create(url + "/v1/chat/completions");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(2), 3);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            new Caller(client, uri, body, stream, running, measuring, ok, errors, latency, done).send();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        done.await(90, TimeUnit.SECONDS);
        client.close();
        return new Result(ok.get(), errors.get(), elapsed, latency);
    }

    private record Caller(CloseableHttpAsyncClient client, URI uri, String body, boolean stream, AtomicBoolean running,
                          AtomicBoolean measuring, AtomicLong ok, AtomicLong errors, Histogram latency,
                          CountDownLatch done) {
        void send() {
            if (!running.get()) {
                done.countDown();
                return;
            }
            SimpleHttpRequest request = SimpleRequestBuilder.post(uri).setBody(body, ContentType.APPLICATION_JSON).build();
            long start = System.nanoTime();
            client.execute(request, new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    if (measuring.get()) {
                        if (response.getCode() == 200 && response.getBodyText().contains(stream ? "[DONE]" : "Answer from bench-model")) {
                            ok.incrementAndGet();
                            latency.recordValue((System.nanoTime() - start) / 1000);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    send();
                }

                @Override
                public void failed(Exception ex) {
                    if (measuring.get()) {
                        errors.incrementAndGet();
                    }
                    send();
                }

                @Override
                public void cancelled() {
                    done.countDown();
                }
            });
        }
    }
}
