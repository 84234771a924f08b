package io.llmpipeline.batch.internals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

import io.llmpipeline.batch.InputFormat;
import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.RouteConfig;

/**
 * A batch file read line by line, each line judged the same way every time it is read (at
 * validation, submission and results assembly): its own content, the catalog, and whether its
 * custom_id came earlier in the file. Memory stays bounded: custom_ids seen go to a {@link DiskSet}.
 */
public final class BatchFile {
    private final Path path;
    private final InputFormat format;
    private final Catalog catalog;
    private final SubmitOptions options;

    private BatchFile(Path path, InputFormat format, Catalog catalog, SubmitOptions options) {
        this.path = path;
        this.format = format;
        this.catalog = catalog;
        this.options = options;
    }

    /** Opens a file, detecting its format from its first non-blank line. */
    public static BatchFile open(Path path, Catalog catalog, SubmitOptions options) {
        return new BatchFile(path, detect(path), catalog, options);
    }

    public static BatchFile open(Path path, InputFormat format, Catalog catalog, SubmitOptions options) {
        return new BatchFile(path, format, catalog, options);
    }

    public InputFormat format() {
        return format;
    }

    public Path path() {
        return path;
    }

    private static InputFormat detect(Path path) {
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    InputFormat format = LineReader.detect(line);
                    if (format == null) {
                        throw new IllegalArgumentException(path + ": the first line is neither an OpenAI Batch line "
                                + "({\"custom_id\", \"method\", \"url\", \"body\"}) nor an Anthropic Message Batches line "
                                + "({\"custom_id\", \"params\"})");
                    }
                    return format;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        throw new IllegalArgumentException(path + " has no lines");
    }

    /** SHA-256 of the file's bytes: a cheap pass that names the batch before the costly one. */
    public String sha256() {
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // digesting as it reads
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every line in order and hands each, judged, to {@code sink}. */
    public void scan(Consumer<ParsedLine> sink) {
        LineReader reader = new LineReader(format);
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             DiskSet seen = DiskSet.temporary("custom-ids")) {
            long number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                ParsedLine parsed = reader.read(number, line);
                if (parsed instanceof ParsedLine.Valid valid) {
                    parsed = judge(valid, seen);
                }
                sink.accept(parsed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private ParsedLine judge(ParsedLine.Valid line, DiskSet seen) {
        String problem = catalogProblem(line);
        if (problem != null) {
            return new ParsedLine.Invalid(line.lineNumber(), line.customId(), problem);
        }
        byte[] first = seen.putIfAbsent(line.customId(), DiskSet.longBytes(line.lineNumber()));
        if (first != null) {
            return new ParsedLine.Invalid(line.lineNumber(), line.customId(),
                    "duplicate custom_id (first on line " + DiskSet.bytesLong(first) + ")");
        }
        return line;
    }

    /** What the router would refuse for sure, found before anything is sent. */
    private String catalogProblem(ParsedLine.Valid line) {
        if (options.taskType() != null) {
            return null;
        }
        String model = line.model();
        String field = format == InputFormat.OPENAI ? "body.model" : "params.model";
        if (model == null) {
            return field + " is required (or submit with --task-type to let a route choose)";
        }
        if (catalog.model(model).isEmpty()) {
            return field + " '" + model + "' is not a model in the catalog " + catalog.config().models().keySet();
        }
        RouteConfig route = catalog.routeFor(options.effectiveTaskType()).orElse(null);
        if (route == null || !route.allowPin() || !route.pinAny() && !route.candidates().contains(model)) {
            return field + " '" + model + "' may not be pinned on the route for task type '" + options.effectiveTaskType()
                    + "'" + (route == null ? "" : " (candidates " + route.candidates() + ")")
                    + "; submit with --task-type to let a route choose";
        }
        return null;
    }
}
