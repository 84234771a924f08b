package io.llmpipeline.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/**
 * The Java client of the pipeline. {@link #submit} returns a future completed by the request's
 * result from {@code llm.results}; {@link #send} is fire-and-forget (the future completes when
 * Kafka has the request). Thread-safe; one instance per application is enough.
 */
public final class LlmClient implements AutoCloseable {
    private final String requestsTopic;
    private final KafkaProducer<String, LlmRequest> producer;
    private final Map<String, CompletableFuture<LlmResult>> pending = new ConcurrentHashMap<>();
    private final ResultListener listener;

    private LlmClient(Catalog catalog, String bootstrapServers, Map<String, Object> producerOverrides, boolean listen) {
        this.requestsTopic = catalog.topics().requests();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, PriorityPartitioner.class.getName());
        config.put(PriorityPartitioner.BANDS_CONFIG, PriorityPartitioner.format(catalog.topics().bands()));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putAll(producerOverrides);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), Codecs.REQUEST);
        this.listener = listen ? ResultListener.start(bootstrapServers, catalog.topics().results(), this::complete) : null;
    }

    /** A client that can both submit and await results. Blocks until the result listener is positioned. */
    public static LlmClient connect(Catalog catalog, String bootstrapServers) {
        return new LlmClient(catalog, bootstrapServers, Map.of(), true);
    }

    /** A producer-only client: {@link #send} works, {@link #submit} does not. */
    public static LlmClient fireAndForget(Catalog catalog, String bootstrapServers) {
        return new LlmClient(catalog, bootstrapServers, Map.of(), false);
    }

    public static LlmClient connect(Catalog catalog, String bootstrapServers, Map<String, Object> producerOverrides) {
        return new LlmClient(catalog, bootstrapServers, producerOverrides, true);
    }

    /**
     * Sends the request and returns a future of its result. The future fails with a
     * {@link TimeoutException} if no result arrives within {@code timeout}.
     */
    public CompletableFuture<LlmResult> submit(LlmRequest request, Duration timeout) {
        if (listener == null) {
            throw new IllegalStateException("this client was opened fire-and-forget; use LlmClient.connect to await results");
        }
        CompletableFuture<LlmResult> result = new CompletableFuture<>();
        if (pending.putIfAbsent(request.getRequestId(), result) != null) {
            throw new IllegalArgumentException("request " + request.getRequestId() + " is already awaiting its result");
        }
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(request.getRequestId(), result));
        send(request).whenComplete((metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /** Fire-and-forget: completes when the request is durably on Kafka. */
    public CompletableFuture<RecordMetadata> send(LlmRequest request) {
        if (request.getSubmittedAtMs() == 0) {
            request.setSubmittedAtMs(System.currentTimeMillis());
        }
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(requestsTopic, request.getRequestId(), request), (metadata, error) -> {
            if (error != null) {
                sent.completeExceptionally(error);
            } else {
                sent.complete(metadata);
            }
        });
        return sent;
    }

    public int awaiting() {
        return pending.size();
    }

    public void flush() {
        producer.flush();
    }

    private void complete(LlmResult result) {
        CompletableFuture<LlmResult> future = pending.get(result.getRequestId());
        if (future != null) {
            future.complete(result);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        if (listener != null) {
            listener.close();
        }
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("client closed")));
    }

    static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out: " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}
