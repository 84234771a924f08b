package io.llmpipeline.batch.internals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writing JSONL files from inside line-by-line scans, which cannot throw checked exceptions. */
public final class Jsonl {
    private Jsonl() {
    }

    public static void writeLine(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
