package io.llmpipeline.worker.provider;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import io.llmpipeline.catalog.HttpConfig;

/**
 * One provider's HTTP connections: an asynchronous Apache HttpClient 5 with its own pool, so
 * thousands of calls wait on a handful of I/O threads rather than a thread each. Connections are
 * kept alive and reused. With the provider's {@code http.http2} set, HTTP/2 is negotiated over
 * TLS, or spoken directly (h2c) to a cleartext endpoint, every call a stream on one connection. Every call is bounded by a total timeout.
 */
public final class HttpTransport implements Transport {
    private final CloseableHttpAsyncClient client;
    private final ScheduledExecutorService timer;

    public HttpTransport(HttpConfig http, boolean cleartext, ScheduledExecutorService timer) {
        this.timer = timer;
        IOReactorConfig reactor = IOReactorConfig.custom()
                .setIoThreadCount(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))
                .setSoKeepAlive(true)
                .setTcpNoDelay(true)
                .build();
        RequestConfig requests = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(http.responseTimeoutMs()))
                .setResponseTimeout(Timeout.ofMilliseconds(http.responseTimeoutMs()))
                .build();
        ConnectionConfig connections = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(http.connectTimeoutMs()))
                .setSocketTimeout(Timeout.ofMilliseconds(http.responseTimeoutMs()))
                .setValidateAfterInactivity(TimeValue.ofSeconds(10))
                .setTimeToLive(TimeValue.ofMinutes(10))
                .build();
        if (http.http2() && cleartext) {
            // h2c with prior knowledge: every call is a stream on one multiplexed connection per host
            this.client = HttpAsyncClients.customHttp2()
                    .setIOReactorConfig(reactor)
                    .setH2Config(H2Config.custom().setPushEnabled(false).setInitialWindowSize(1 << 20).build())
                    .setDefaultConnectionConfig(connections)
                    .setDefaultRequestConfig(requests)
                    .disableAutomaticRetries()
                    .disableRedirectHandling()
                    .disableCookieManagement()
                    .evictIdleConnections(TimeValue.ofMinutes(1))
                    .build();
        } else {
            PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(http.maxConnections())
                    .setMaxConnPerRoute(http.maxConnections())
                    .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                    .setDefaultConnectionConfig(connections)
                    // HTTP/2 over TLS when the server offers it in ALPN, else HTTP/1.1 with keep-alive
                    .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(http.http2()
                            ? HttpVersionPolicy.NEGOTIATE : HttpVersionPolicy.FORCE_HTTP_1).build())
                    .build();
            this.client = HttpAsyncClients.custom()
                    .setConnectionManager(pool)
                    .setIOReactorConfig(reactor)
                    .setDefaultRequestConfig(requests)
                    .disableAutomaticRetries()
                    .disableRedirectHandling()
                    .disableCookieManagement()
                    .evictIdleConnections(TimeValue.ofMinutes(1))
                    .build();
        }
        client.start();
    }

    @Override
    public CompletableFuture<RawResponse> send(HttpCall call, Duration timeout) {
        SimpleHttpRequest request = SimpleHttpRequest.create(Method.POST, call.uri());
        call.headers().forEach(request::addHeader);
        request.setBody(call.body(), ContentType.APPLICATION_JSON);
        BodyCollector collector = new BodyCollector();
        CompletableFuture<RawResponse> result = new CompletableFuture<>();
        HttpClientContext context = HttpClientContext.create();
        Future<RawResponse> exchange = client.execute(SimpleRequestProducer.create(request), collector, null, context,
                new FutureCallback<>() {
                    @Override
                    public void completed(RawResponse response) {
                        result.complete(response);
                    }

                    @Override
                    public void failed(Exception cause) {
                        end(cause);
                    }

                    @Override
                    public void cancelled() {
                        end(new CallTimeoutException("no complete answer within " + timeout.toMillis() + " ms"));
                    }

                    private void end(Exception cause) {
                        if (collector.responseStarted()) {
                            result.complete(collector.snapshot(false, cause));
                        } else {
                            result.completeExceptionally(TransportException.from(cause));
                        }
                    }
                });
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (!result.isDone()) {
                exchange.cancel(true);
                // cancel() is not always reported to the callback once the exchange has started
                if (collector.responseStarted()) {
                    result.complete(collector.snapshot(false,
                            new TimeoutException("answer not complete within " + timeout.toMillis() + " ms")));
                } else {
                    result.completeExceptionally(new CallTimeoutException("no answer within " + timeout.toMillis() + " ms"));
                }
            }
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> deadline.cancel(false));
        return result;
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
