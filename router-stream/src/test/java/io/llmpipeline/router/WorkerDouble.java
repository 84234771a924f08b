package io.llmpipeline.router;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/**
 * Plays the worker's part of the contract on a real broker: for every assignment, one billed
 * invocation event (final attempt) and, unless it is a shadow, one OK result with the usage and cost.
 */
public final class WorkerDouble implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    public final AtomicLong calls = new AtomicLong();
    public final AtomicLong spentMicros = new AtomicLong();
    public final Map<String, AtomicLong> spentByTenant = new ConcurrentHashMap<>();

    public WorkerDouble(String bootstrap, TopicsConfig topics, ToLongFunction<LlmAssignment> cost) {
        this(bootstrap, topics, cost, false);
    }

    /**
     * @param failOver when set, the target fails first (an unbilled attempt) and the first model of the
     *                 fallback chain answers, billed {@code cost}
     */
    public WorkerDouble(String bootstrap, TopicsConfig topics, ToLongFunction<LlmAssignment> cost, boolean failOver) {
        thread = Thread.ofPlatform().name("worker-double").start(() -> {
            try (KafkaConsumer<String, byte[]> consumer = BrokerTopics.consumer(bootstrap, topics.assigned());
                 KafkaProducer<String, byte[]> producer = BrokerTopics.producer(bootstrap)) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        LlmAssignment a = Codecs.ASSIGNMENT.decode(record.value());
                        long micros = cost.applyAsLong(a);
                        calls.incrementAndGet();
                        spentMicros.addAndGet(micros);
                        spentByTenant.computeIfAbsent(a.getRequest().getTenantId(), t -> new AtomicLong()).addAndGet(micros);
                        String id = a.getRequest().getRequestId();
                        if (failOver && !a.getFallbackChain().isEmpty()) {
                            producer.send(new ProducerRecord<>(topics.invocations(), id, Codecs.INVOCATION.encode(Invocations.of(a, 1, 0, false)
                                    .setOutcome(io.llmpipeline.schemas.InvocationOutcome.FAILURE)
                                    .setErrorKind(io.llmpipeline.schemas.ErrorKind.UNAVAILABLE).build())));
                            var fallback = a.getFallbackChain().getFirst();
                            producer.send(new ProducerRecord<>(topics.invocations(), id, Codecs.INVOCATION.encode(Invocations.of(a, 2, micros, true)
                                    .setProvider(fallback.getProvider()).setModel(fallback.getModel()).build())));
                        } else {
                            producer.send(new ProducerRecord<>(topics.invocations(), id,
                                    Codecs.INVOCATION.encode(Invocations.of(a, 1, micros, true).build())));
                        }
                        if (!a.getShadow()) {
                            producer.send(new ProducerRecord<>(topics.results(), id, Codecs.RESULT.encode(ok(a, micros))));
                        }
                    }
                    producer.flush();
                }
            }
        });
    }

    public static LlmResult ok(LlmAssignment a, long micros) {
        return LlmResult.newBuilder()
                .setRequestId(a.getRequest().getRequestId())
                .setTenantId(a.getRequest().getTenantId())
                .setTaskType(a.getRequest().getTaskType())
                .setPriority(a.getRequest().getPriority())
                .setCacheKey(a.getCacheKey())
                .setStatus(ResultStatus.OK)
                .setOutput("answer to " + a.getRequest().getMessages().getLast().getContent())
                .setFinishReason("stop")
                .setProvider(a.getTarget().getProvider())
                .setModel(a.getTarget().getModel())
                .setUsage(new Usage(a.getEstimatedInputTokens(), 10, 0, 0))
                .setCostMicros(micros)
                .setAttempts(1)
                .setMetadata(a.getRequest().getMetadata()) // the worker copies the request's metadata, as the real one does
                .setCompletedAtMs(System.currentTimeMillis())
                .build();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
