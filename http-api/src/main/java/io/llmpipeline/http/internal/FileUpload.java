package io.llmpipeline.http.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/files}: Jetty's multipart parser streams a part larger than 64 KiB to a
 * temporary file, so an upload of any size costs bounded memory; the part is then moved into the
 * tenant's store.
 */
final class FileUpload {
    private static final long IN_MEMORY_LIMIT = 64 * 1024;

    private final FileStore files;
    private final Path scratch;

    FileUpload(FileStore files, Path scratch) {
        this.files = files;
        this.scratch = scratch;
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + scratch, e);
        }
    }

    ObjectNode accept(String tenant, Request request) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiError.invalid(null, "upload a file as multipart/form-data with the fields 'file' and 'purpose'");
        }
        MultiPartConfig config = new MultiPartConfig.Builder().location(scratch).maxMemoryPartSize(IN_MEMORY_LIMIT)
                .maxParts(16).useFilesForPartsWithoutFileName(false).build();
        MultiPartFormData.Parts parts;
        try {
            parts = MultiPartFormData.getParts(request, request, contentType, config);
        } catch (RuntimeException e) {
            throw ApiError.invalid(null, "the multipart body could not be read: " + e.getMessage());
        }
        try (parts) {
            MultiPart.Part purpose = parts.getFirst("purpose");
            String purposeValue = purpose == null ? null : purpose.getContentAsString(java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!"batch".equals(purposeValue)) {
                throw ApiError.invalid("purpose", "'purpose' must be 'batch' (the only purpose this API stores files for), not '"
                        + purposeValue + "'");
            }
            MultiPart.Part file = parts.getFirst("file");
            if (file == null) {
                throw ApiError.invalid("file", "the field 'file' is required");
            }
            Path received = scratch.resolve(UUID.randomUUID() + ".upload");
            file.writeTo(received);
            String name = file.getFileName() == null || file.getFileName().isBlank() ? "upload.jsonl" : file.getFileName();
            return files.adopt(tenant, received, name, "batch");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload", e);
        }
    }
}
