package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class FaultScriptsTest {

    static final String YAML = """
            "*": {latencyMs: 20, jitterMs: 5}
            gpt-4o-mini:
              failFirstN: 2
              errorStatus: 503
              retryAfterSeconds: 1
            llama3.2: {contextLimit: 2048, tokenizer: cl100k_base}
            """;

    @Test
    void shouldReadScriptsPerModelFromYaml() {
        Map<String, FaultScript> scripts = FaultScripts.parse(YAML, "test.yaml");

        assertThat(scripts).containsOnlyKeys("*", "gpt-4o-mini", "llama3.2");
        assertThat(scripts.get("*")).isEqualTo(FaultScript.builder().latencyMs(20).jitterMs(5).build());
        assertThat(scripts.get("gpt-4o-mini")).isEqualTo(
                FaultScript.builder().failFirstN(2).errorStatus(503).retryAfterSeconds(1).build());
        assertThat(scripts.get("llama3.2").contextLimit()).isEqualTo(2048);
        assertThat(scripts.get("llama3.2").errorStatus()).as("default").isEqualTo(500);
    }

    @Test
    void shouldReadJsonToo() {
        Map<String, FaultScript> scripts = FaultScripts.parse("{\"m\":{\"down\":true,\"errorStatus\":0}}", "inline");

        assertThat(scripts.get("m").down()).isTrue();
        assertThat(scripts.get("m").errorStatus()).isZero();
    }

    @Test
    void shouldNameTheSourceModelAndFieldOfAnInvalidScript() {
        assertThatThrownBy(() -> FaultScripts.parse("m1: {hangRate: 2}", "faults.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("faults.yaml").hasMessageContaining("m1").hasMessageContaining("hangRate must be in [0, 1]");
        assertThatThrownBy(() -> FaultScripts.parse("m1: {latency: 2}", "faults.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m1").hasMessageContaining("latency");
    }

    @Test
    void shouldStartTheStandaloneSimulatorWithTheFaultsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("faults.yaml");
        Files.writeString(file, YAML);
        SimulatorMain main = new SimulatorMain();
        new CommandLine(main).parseArgs("--port", "0", "--faults", file.toString());

        try (ProviderSimulator sim = main.start()) {
            SimClient client = new SimClient(sim);
            var failed = client.post("/v1/chat/completions", SimClient.openAi("gpt-4o-mini", null, "x", null, false));
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.headers().firstValue("retry-after")).hasValue("1");
        }
    }

    @Test
    void shouldReplaceAllScriptsOverTheAdminApi() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(0)) {
            sim.script("old", FaultScript.builder().down(true).build());
            SimClient client = new SimClient(sim);

            var put = client.send("PUT", "/_sim/faults", YAML);
            var bad = client.send("PUT", "/_sim/faults", "m: {errorRate: -1}");

            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(SimClient.json(put.body()).fieldNames()).toIterable().containsExactlyInAnyOrder("*", "gpt-4o-mini", "llama3.2");
            assertThat(client.post("/v1/chat/completions", SimClient.openAi("old", null, "x", null, false)).statusCode()).isEqualTo(200);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("errorRate must be in [0, 1]");
        }
    }
}
