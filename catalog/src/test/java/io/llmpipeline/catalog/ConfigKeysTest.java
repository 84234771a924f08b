package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** Every key is declared once, and the declaration is what validation, defaults and the README follow. */
class ConfigKeysTest {
    private static final String MINIMAL = """
            providers:
              p: {kind: openai, baseUrl: "http://localhost:1/v1"}
            models:
              m: {provider: p}
            routes:
              - match: ""
                candidates: [m]
            """;

    private static List<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
    }

    private static <S> List<String> keyNames(List<? extends ConfigKey<S, ?, ?>> keys) {
        return keys.stream().map(ConfigKey::name).toList();
    }

    @Test
    void shouldDeclareEveryGuardsKeyAndEveryWorkerKafkaKeyExactlyOnceWithADoc() {
        assertThat(keyNames(GuardsConfig.KEYS)).containsExactlyElementsOf(componentNames(GuardsConfig.class));
        assertThat(keyNames(WorkerKafkaConfig.KEYS)).containsExactlyElementsOf(componentNames(WorkerKafkaConfig.class));
        assertThat(GuardsConfig.KEYS).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(WorkerKafkaConfig.KEYS).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
    }

    @Test
    void shouldNameEveryKeyInTheReadmesConfigurationTable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Function<ConfigKey<?, ?, ?>, String> quoted = k -> "`" + k.name() + "`";
        assertThat(GuardsConfig.KEYS).allSatisfy(k -> assertThat(readme).contains(quoted.apply(k)));
        assertThat(WorkerKafkaConfig.KEYS).allSatisfy(k -> assertThat(readme).contains("." + k.name()));
    }

    @Test
    void shouldBuildGuardsInCodeAndResolveWhatIsLeftUnsetToTheDeclaredDefaults() {
        GuardsConfig own = GuardsConfig.builder().minimumCalls(4).slidingWindow(8).build();
        GuardsConfig provider = GuardsConfig.builder().requestsPerMinute(60).minimumCalls(10).build();

        GuardsConfig resolved = own.resolvedOver(provider);

        assertThat(resolved.minimumCalls()).isEqualTo(4);
        assertThat(resolved.slidingWindow()).isEqualTo(8);
        assertThat(resolved.requestsPerMinute()).isEqualTo(60);
        assertThat(resolved.maxAttempts()).isEqualTo(GuardsConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(resolved.tokensPerMinute()).as("no default: no limit").isNull();
        assertThat(own.toBuilder().cooldownMs(5L).build()).isEqualTo(GuardsConfig.builder().minimumCalls(4)
                .slidingWindow(8).cooldownMs(5L).build());
    }

    @Test
    void shouldGiveTheWorkersKafkaClientsTheirDocumentedDefaults() {
        WorkerKafkaConfig kafka = CatalogLoader.parse(MINIMAL, "test", n -> null).config().worker().kafka();

        assertThat(kafka).isEqualTo(new WorkerKafkaConfig(1_000, 20L, 5, 131_072, 30_000, 5_000L));
    }

    @Test
    void shouldTakeWorkerKafkaTuningFromTheFile() {
        WorkerKafkaConfig kafka = CatalogLoader.parse(MINIMAL + "worker:\n  kafka: {maxPollRecords: 200, lingerMs: 0}\n",
                "test", n -> null).config().worker().kafka();

        assertThat(kafka.maxPollRecords()).isEqualTo(200);
        assertThat(kafka.lingerMs()).isZero();
        assertThat(kafka.pollMs()).isEqualTo(20);
    }

    @Test
    void shouldRefuseBadWorkerKafkaValuesNamingEachPath() {
        assertThatThrownBy(() -> CatalogLoader.parse(
                MINIMAL + "worker:\n  kafka: {maxPollRecords: 0, lingerMs: -1, pollMs: 0}\n", "test", n -> null))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems()).extracting(ConfigProblem::path)
                        .containsExactlyInAnyOrder("worker.kafka.maxPollRecords", "worker.kafka.lingerMs",
                                "worker.kafka.pollMs"));
    }

    @Test
    void shouldRefuseAnUnknownWorkerKafkaKeyListingTheValidOnes() {
        assertThatThrownBy(() -> CatalogLoader.parse(MINIMAL + "worker:\n  kafka: {acks: 1}\n", "test", n -> null))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("acks").hasMessageContaining("maxPollRecords");
    }
}
