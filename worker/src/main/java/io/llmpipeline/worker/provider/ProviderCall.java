package io.llmpipeline.worker.provider;

import java.util.List;

import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;

/**
 * Everything an adapter needs to build one provider request.
 *
 * @param provider        the catalog's provider name
 * @param providerConfig  its endpoint and key
 * @param model           the catalog's model name
 * @param modelConfig     its context window and limits
 * @param messages        the conversation
 * @param params          sampling parameters
 * @param maxTokens       output tokens asked for (the request's, else the model's maximum)
 * @param passthroughJson JSON object merged into the provider request; null for none
 * @param stream          ask the provider to stream
 * @param estimatedInputTokens the router's count, to estimate usage when a cut stream reported none
 */
public record ProviderCall(
        String provider,
        ProviderConfig providerConfig,
        String model,
        ModelConfig modelConfig,
        List<ChatMessage> messages,
        GenerationParams params,
        int maxTokens,
        String passthroughJson,
        boolean stream,
        int estimatedInputTokens) {

    /** The model's name in the provider's API. */
    public String providerModel() {
        return modelConfig.providerModel() != null ? modelConfig.providerModel() : model;
    }

    /** The key from the environment, or null; never logged. */
    String apiKey() {
        return providerConfig.apiKey();
    }

    /** The base URL without a trailing slash. */
    String baseUrl() {
        String url = providerConfig.baseUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
