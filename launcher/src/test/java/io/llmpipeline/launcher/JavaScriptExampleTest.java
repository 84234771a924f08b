package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.client.PriorityPartitioner;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.testkit.KafkaFixture;

/** examples/js, run with node against the pipeline on a real broker: what it sends is answered, as the Java side computes. */
class JavaScriptExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "js").toAbsolutePath().normalize();

    @TempDir
    Path workDir;

    @Test
    void shouldSendRequestsFromJavaScriptAndReadTheirResults() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are not on the PATH: the JavaScript example is not run");
        String prefix = KafkaFixture.uniquePrefix("js");
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.defaults(workDir)
                .withBootstrap(KafkaFixture.shared().bootstrapServers())
                .withAdjust(catalog -> catalog.withNamePrefix(prefix)))) {
            Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 180);
            assertThat(install.exit).as(install.output).isZero();

            Run example = run(List.of("node", "example.js"), Map.of(
                    "KAFKA_BOOTSTRAP", pipeline.bootstrapServers(),
                    "TOPIC_PREFIX", prefix,
                    "BANDS", PriorityPartitioner.format(pipeline.catalog().topics().bands()),
                    "COUNT", "5",
                    "TIMEOUT_MS", "90000"), 150);

            assertThat(example.exit).as(example.output).isZero();
            List<String> lines = example.output.lines().toList();
            assertThat(lines).filteredOn(l -> l.startsWith("result ")).hasSize(5)
                    .allSatisfy(l -> assertThat(l).contains(" OK model=").contains("Hello from JavaScript, question"));
            assertThat(lines).contains("fingerprint LlmRequest " + littleEndianHex(LlmRequest.getClassSchema()),
                    "fingerprint LlmResult " + littleEndianHex(LlmResult.getClassSchema()));
            for (String line : lines.stream().filter(l -> l.startsWith("partition ")).toList()) {
                String[] parts = line.split(" ");
                int expected = pipeline.catalog().bands().partitionFor(Priority.valueOf(parts[2]), parts[1]);
                assertThat(Integer.parseInt(parts[3])).as(line).isEqualTo(expected);
            }
        }
    }

    private static String littleEndianHex(org.apache.avro.Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
        }
        return hex.toString();
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> command, Map<String, String> env, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "js-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(EXAMPLE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return new Run(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly(); // no-op when it already ended; never leave node behind a failed test
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
