package io.llmpipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * What another language loads: one self-contained {@code .avsc} per topic record under
 * {@code schemas/standalone/} (named types inlined, so no load order), every released version
 * beside it under {@code history/}, and the fingerprints published in {@code docs/wire-format.md}.
 * All three must match the code; {@code -Dllm.schemas.write=true} rewrites the files from it.
 */
class StandaloneSchemasTest {
    private static final Path STANDALONE = Path.of("standalone");
    private static final Path WIRE_FORMAT_DOC = Path.of("..", "docs", "wire-format.md");
    private static final boolean WRITE = Boolean.getBoolean("llm.schemas.write");
    static final List<Class<?>> TOPIC_RECORDS = List.of(LlmRequest.class, LlmAssignment.class, LlmResult.class, InvocationEvent.class,
            ProviderHealth.class, BudgetAlert.class, DlqEnvelope.class, BatchEvent.class, BatchState.class, SpendAnomaly.class,
            QuotaMember.class);

    /** Record name and version label to its schema: every current topic record, then every released older version. */
    private static Map<String, Schema> everyVersion() throws Exception {
        Map<String, Schema> versions = new LinkedHashMap<>();
        for (Class<?> type : TOPIC_RECORDS) {
            versions.put(type.getSimpleName() + " current", SpecificData.get().getSchema(type));
        }
        for (String file : releasedHistory()) {
            try (InputStream in = StandaloneSchemasTest.class.getClassLoader().getResourceAsStream("schema-history/" + file)) {
                Schema schema = new Schema.Parser().parse(in);
                versions.put(schema.getName() + " " + file.replace(".avsc", "").replace(schema.getName() + "-", ""), schema);
            }
        }
        return versions;
    }

    private static List<String> releasedHistory() throws Exception {
        return Files.readAllLines(Path.of("src/main/resources/schema-history/index.txt")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    /** The fingerprint's 8 bytes as single-object encoding writes them: CRC-64-AVRO of the canonical form, little-endian. */
    static String fingerprintHex(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (fingerprint >>> (8 * i));
        }
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    @Test
    void shouldShipOneSelfContainedSchemaPerTopicRecordThatIsTheCodesSchema() throws Exception {
        for (Class<?> type : TOPIC_RECORDS) {
            Schema current = SpecificData.get().getSchema(type);
            Path file = STANDALONE.resolve(type.getSimpleName() + ".avsc");
            if (WRITE) {
                Files.createDirectories(STANDALONE);
                Files.writeString(file, current.toString(true) + "\n", StandardCharsets.UTF_8);
            }
            // parsed alone, with no other file: self-contained
            Schema shipped = new Schema.Parser().parse(Files.readString(file));
            assertThat(shipped).as(file + " (regenerate: -Dllm.schemas.write=true)").isEqualTo(current);
            assertThat(fingerprintHex(shipped)).isEqualTo(fingerprintHex(current));
        }
    }

    @Test
    void shouldShipEveryReleasedVersionBesideTheCurrentOnes() throws Exception {
        for (String released : releasedHistory()) {
            Schema schema;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema-history/" + released)) {
                schema = new Schema.Parser().parse(in);
            }
            Path file = STANDALONE.resolve("history").resolve(released);
            if (WRITE) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, schema.toString(true) + "\n", StandardCharsets.UTF_8);
            }
            assertThat(new Schema.Parser().parse(Files.readString(file))).as(file.toString()).isEqualTo(schema);
        }
    }

    @Test
    void shouldPublishInTheWireFormatDocExactlyTheFingerprintsTheCodeComputes() throws Exception {
        Map<String, String> computed = new LinkedHashMap<>();
        everyVersion().forEach((version, schema) -> computed.put(version, fingerprintHex(schema)));
        StringBuilder table = new StringBuilder("| record | version | fingerprint bytes on the wire (after C3 01) |\n|---|---|---|\n");
        computed.forEach((version, hex) -> {
            String[] parts = version.split(" ");
            table.append("| `").append(parts[0]).append("` | ").append(parts[1]).append(" | `").append(hex).append("` |\n");
        });
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "wire-format-fingerprints.md"), table);

        Map<String, String> published = new LinkedHashMap<>();
        Matcher row = Pattern.compile("\\| `(\\w+)` \\| ([\\w.-]+) \\| `((?:[0-9a-f]{2} ){7}[0-9a-f]{2})` \\|").matcher(Files.readString(WIRE_FORMAT_DOC));
        while (row.find()) {
            published.put(row.group(1) + " " + row.group(2), row.group(3));
        }
        assertThat(published).as("docs/wire-format.md's table; the right one is in schemas/target/wire-format-fingerprints.md")
                .containsExactlyInAnyOrderEntriesOf(computed);
    }

    @Test
    void shouldEncodeTheMarkerThenTheLittleEndianFingerprintThenTheBody() {
        LlmResult result = LlmResult.newBuilder().setRequestId("r").setTenantId("t").setTaskType("x")
                .setStatus(ResultStatus.OK).setUsage(new Usage(1, 2, 0, 0)).setCompletedAtMs(5).build();
        byte[] encoded = Codecs.RESULT.encode(result);
        assertThat(encoded[0]).isEqualTo((byte) 0xC3);
        assertThat(encoded[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(LlmResult.getClassSchema());
        List<String> littleEndian = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            littleEndian.add(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
        }
        assertThat(HexFormat.ofDelimiter(" ").formatHex(encoded, 2, 10)).isEqualTo(String.join(" ", littleEndian))
                .isEqualTo(fingerprintHex(LlmResult.getClassSchema()));
    }
}
