package io.llmpipeline.http.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.http.HttpApiOptions;
import io.llmpipeline.http.RetryScheduler;

/** Builds the handler and owns what it holds open: the Kafka client, the lookup consumer, the admin client. */
public final class ApiParts implements AutoCloseable {
    private final LlmClient client;
    private final ResultLookup lookup;
    private final Readiness readiness;
    private final ApiMetrics metrics = new ApiMetrics();
    private final ApiHandler handler;
    private final Batches batchJobs;
    private final OpenAiBatches batches;

    public ApiParts(Catalog catalog, String bootstrapServers, HttpApiOptions options, RetryScheduler scheduler, Executor completions) {
        this.client = LlmClient.connect(catalog, bootstrapServers);
        try {
            this.lookup = new ResultLookup(bootstrapServers, catalog.topics().results());
            this.readiness = new Readiness(bootstrapServers, catalog.config().router().applicationId(), catalog.config().worker().groupId());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        // a request the pipeline has not answered by its default deadline (plus slack) never will be
        Duration asyncWait = Duration.ofMillis(catalog.config().worker().defaultDeadlineMs()).plusMinutes(1);
        Submissions submissions = new Submissions(client, new ResultIndex(options.indexCapacity()), lookup, metrics, asyncWait);
        OpenAiChat openAi = new OpenAiChat();
        AnthropicMessages anthropic = new AnthropicMessages();
        Map<String, byte[]> secrets = new HashMap<>();
        catalog.config().tenants().forEach((tenant, config) -> {
            String secret = config.callbackSecretEnv() == null ? null : options.env().apply(config.callbackSecretEnv());
            if (secret != null && !secret.isBlank()) {
                secrets.put(tenant, secret.getBytes(StandardCharsets.UTF_8));
            }
        });
        CallbackSender callbacks = new CallbackSender(scheduler, options.callbackAttempts(), options.callbackFirstBackoff(), metrics);
        AsyncRequests async = new AsyncRequests(catalog, submissions,
                Map.of(ApiHandler.CHAT, openAi, ApiHandler.MESSAGES, anthropic), secrets, callbacks, asyncWait);
        FileStore files = new FileStore(options.filesDir().resolve("tenants"));
        this.batchJobs = Batches.connect(catalog, bootstrapServers);
        this.batches = new OpenAiBatches(batchJobs, files);
        this.handler = new ApiHandler(catalog, new ApiKeys(catalog, options.clock()), submissions, async, readiness, metrics,
                completions, options.resultTimeout(), openAi, anthropic, new FileUpload(files, options.filesDir().resolve("uploading")),
                batches);
    }

    public ApiHandler handler() {
        return handler;
    }

    public ApiMetrics metrics() {
        return metrics;
    }

    /** The signature a callback receiver should compute for {@code body} with the tenant's secret. */
    public static String callbackSignature(String body, String secret) {
        return CallbackSender.signature(body, secret.getBytes(StandardCharsets.UTF_8));
    }


    @Override
    public void close() {
        client.close();
        lookup.close();
        readiness.close();
        batches.close();
        batchJobs.close();
    }
}
