package io.llmpipeline.analytics.export;

/** Another exporter is writing to the directory (it holds {@code .export.lock}). */
public final class ExportBusyException extends IllegalStateException {
    ExportBusyException(String message) {
        super(message);
    }
}
