package io.llmpipeline.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every record schema, keyed by fingerprint, so that a record written
 * by an older producer (or another language) is read by the current code through Avro schema
 * resolution. Released versions live as plain {@code .avsc} files under {@code schema-history/}
 * on the classpath, listed in {@code schema-history/index.txt}; the current schemas are always
 * known because the decoder is built from them.
 */
public final class SchemaHistory {
    private static final String INDEX = "schema-history/index.txt";
    private static final SchemaStore.Cache SHARED = load(SchemaHistory.class.getClassLoader());

    private SchemaHistory() {
    }

    /** The store of released versions on this class path. */
    public static SchemaStore store() {
        return SHARED;
    }

    /** Loads every version listed in {@code schema-history/index.txt} of the given class loader. */
    public static SchemaStore.Cache load(ClassLoader loader) {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        for (String entry : listedVersions(loader)) {
            cache.addSchema(parse(loader, "schema-history/" + entry));
        }
        return cache;
    }

    /** Every index on the class path counts, so each jar (or test) can ship its own history. */
    private static List<String> listedVersions(ClassLoader loader) {
        List<String> entries = new java.util.ArrayList<>();
        try {
            for (java.net.URL index : java.util.Collections.list(loader.getResources(INDEX))) {
                try (InputStream in = index.openStream()) {
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                            .map(String::strip)
                            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                            .forEach(entries::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + INDEX, e);
        }
        return entries;
    }

    private static Schema parse(ClassLoader loader, String resource) {
        try (InputStream in = Objects.requireNonNull(loader.getResourceAsStream(resource),
                () -> "schema history lists " + resource + " but it is not on the class path")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
