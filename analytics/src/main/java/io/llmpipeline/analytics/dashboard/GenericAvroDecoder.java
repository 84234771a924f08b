package io.llmpipeline.analytics.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Decodes single-object-encoded Avro written with any schema shipped under {@code avro/} on the
 * class path (the schemas module ships every current {@code .avsc} there), into a plain map. The
 * dashboard shows records of topics it has no generated class for, such as {@code llm.batches},
 * without depending on the code that writes them.
 */
final class GenericAvroDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Long, Schema> byFingerprint = new java.util.HashMap<>();

    GenericAvroDecoder() {
        List<String> texts = readSchemas();
        // a schema may use types another file defines: parse until no file makes progress
        Schema.Parser parser = new Schema.Parser();
        List<String> pending = new ArrayList<>(texts);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                String text = it.next();
                try {
                    Schema schema = parser.parse(text);
                    byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
                    it.remove();
                    progress = true;
                } catch (RuntimeException e) {
                    // refers to a type not parsed yet
                }
            }
        }
    }

    /** The record as a map, or a description of why it is not readable. */
    Map<String, Object> decode(byte[] value) {
        if (value.length > 10 && (value[0] & 0xFF) == 0xC3 && value[1] == 0x01) {
            long fingerprint = 0;
            for (int i = 9; i >= 2; i--) {
                fingerprint = (fingerprint << 8) | (value[i] & 0xFF);
            }
            Schema schema = byFingerprint.get(fingerprint);
            if (schema != null) {
                try {
                    Object record = new GenericDatumReader<>(schema).read(null,
                            DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null));
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = JSON.readValue(GenericData.get().toString(record), Map.class);
                    return map;
                } catch (IOException | RuntimeException e) {
                    return Map.of("undecodable", e.getMessage());
                }
            }
            return Map.of("undecodable", "Avro written with a schema not on this class path", "bytes", value.length);
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.readValue(value, Map.class);
            return map;
        } catch (IOException e) {
            return Map.of("undecodable", "neither Avro nor JSON", "bytes", value.length);
        }
    }

    private static List<String> readSchemas() {
        List<String> texts = new ArrayList<>();
        try {
            for (URL root : java.util.Collections.list(GenericAvroDecoder.class.getClassLoader().getResources("avro"))) {
                URI uri = root.toURI();
                if (uri.getScheme().equals("jar")) {
                    FileSystem fs;
                    try {
                        fs = FileSystems.getFileSystem(uri);
                    } catch (FileSystemNotFoundException e) {
                        fs = FileSystems.newFileSystem(uri, Map.of());
                    }
                    collect(fs.getPath("avro"), texts);
                } else {
                    collect(Path.of(uri), texts);
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            System.err.println("dashboard: cannot list the Avro schemas on the class path: " + e);
        }
        return texts;
    }

    private static void collect(Path dir, List<String> texts) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }
}
