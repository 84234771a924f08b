package io.llmpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.CatalogLoader;

class DemoKeyTest {
    @Test
    void shouldBeAcceptedByTheBundledCatalogAsTheDemoTenant() {
        var catalog = CatalogLoader.loadDefault();
        assertThat(DemoKey.acceptedBy(catalog)).isTrue();
        assertThat(catalog.config().apiKeys()).anySatisfy(key -> assertThat(key.tenant()).isEqualTo("demo"));
        assertThat(catalog.config().apiKeys()).noneSatisfy(key -> assertThat(key.sha256()).contains(DemoKey.KEY));
    }
}
