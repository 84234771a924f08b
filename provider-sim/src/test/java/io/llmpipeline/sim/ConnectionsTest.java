package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ConnectionsTest {

    @Test
    void shouldServeHttp2WithPriorKnowledgeToTheWorkersClient() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(0);
             CloseableHttpAsyncClient h2 = HttpAsyncClients.createHttp2Default()) {
            h2.start();

            SimpleHttpResponse response = h2.execute(SimpleRequestBuilder.post(sim.baseUrl() + "/v1/chat/completions")
                    .setBody(SimClient.openAi("gpt-4o", null, "prior knowledge", null, false), ContentType.APPLICATION_JSON)
                    .build(), null).get(10, TimeUnit.SECONDS);

            assertThat(response.getCode()).isEqualTo(200);
            assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(SimClient.json(response.getBodyText()).get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("Answer from gpt-4o: prior knowledge");
        }
    }

    @Test
    void shouldDropAHungHttp11CallAtTheIdleTimeoutAndCountItAsUnanswered() throws Exception {
        SimulatorOptions options = SimulatorOptions.defaults().withIdleTimeout(Duration.ofMillis(300));
        try (ProviderSimulator sim = ProviderSimulator.start(options)) {
            sim.script("stuck", FaultScript.builder().hangRate(1.0).build());
            SimClient client = new SimClient(sim);

            Throwable failure = catchThrowable(() -> client.post("/v1/chat/completions",
                    SimClient.openAi("stuck", null, "x", null, false), Duration.ofSeconds(5)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sim.stats().model("stuck").inFlightNow() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(failure).as("the connection closes without any response, well before the client's 5 s timeout")
                    .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
            assertThat(sim.stats().model("stuck").inFlightNow()).isZero();
            assertThat(sim.stats().callsWithStatus("stuck", 0)).isEqualTo(1);
        }
    }
}
