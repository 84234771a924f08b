package io.llmpipeline.worker.dispatch;

import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.worker.provider.ProviderAdapter;
import io.llmpipeline.worker.provider.ProviderTransport;

/**
 * A provider as the worker reaches it.
 *
 * @param name      catalog name
 * @param config    its endpoint settings
 * @param adapter   its wire format
 * @param transport its connection pool
 */
public record ProviderEndpoint(String name, ProviderConfig config, ProviderAdapter adapter, ProviderTransport transport) {
}
