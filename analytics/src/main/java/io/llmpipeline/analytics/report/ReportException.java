package io.llmpipeline.analytics.report;

/** A report could not run: a bad query, a bad option. The message is for the user. */
public final class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
