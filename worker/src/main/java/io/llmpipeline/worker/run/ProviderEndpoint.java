package io.llmpipeline.worker.run;

import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.worker.provider.ProviderAdapter;
import io.llmpipeline.worker.provider.Transport;

/**
 * A provider as the worker reaches it.
 *
 * @param name      catalog name
 * @param config    its endpoint settings
 * @param adapter   its wire format
 * @param transport how its calls are sent
 */
public record ProviderEndpoint(String name, ProviderConfig config, ProviderAdapter adapter, Transport transport) {
}
