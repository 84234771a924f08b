package io.llmpipeline.http.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Files API's storage on local disk, one directory per tenant: {@code <id>.jsonl} holds a
 * file's bytes and {@code <id>.json} its OpenAI File object. A file is looked up only inside the
 * caller's tenant directory, so another tenant's file is simply not there (404).
 */
final class FileStore {
    private final Path root;

    FileStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API's files directory " + root, e);
        }
    }

    /** The tenant's directory; the name is hashed so any tenant id is a safe directory name. */
    Path tenantDir(String tenant) {
        Path dir = root.resolve("t-" + ApiKeys.sha256Hex(tenant).substring(0, 24));
        try {
            Files.createDirectories(dir.resolve("batches"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    static String newFileId() {
        return "file-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Moves {@code upload} (already on disk) into the store and records its File object. */
    ObjectNode adopt(String tenant, Path upload, String fileName, String purpose) {
        String id = newFileId();
        Path target = contentPath(tenant, id);
        try {
            Files.move(upload, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload as " + target, e);
        }
        return describe(tenant, id, fileName, purpose);
    }

    /** Records the File object of a file already written at {@link #contentPath}. */
    ObjectNode describe(String tenant, String id, String fileName, String purpose) {
        ObjectNode file = Json.object()
                .put("id", id)
                .put("object", "file")
                .put("bytes", size(contentPath(tenant, id)))
                .put("created_at", System.currentTimeMillis() / 1000)
                .put("filename", fileName)
                .put("purpose", purpose)
                .put("status", "processed");
        writeJson(tenantDir(tenant).resolve(id + ".json"), file);
        return file;
    }

    Optional<ObjectNode> find(String tenant, String id) {
        if (!validId(id)) {
            return Optional.empty();
        }
        return readJson(tenantDir(tenant).resolve(id + ".json"));
    }

    Path contentPath(String tenant, String id) {
        if (!validId(id)) {
            throw ApiError.notFound("no file '" + id + "'");
        }
        return tenantDir(tenant).resolve(id + ".jsonl");
    }

    /** Ids are ours: letters, digits, '-' and '_' only, so an id can never leave the tenant directory. */
    static boolean validId(String id) {
        return id != null && !id.isEmpty() && id.length() <= 200 && id.chars().allMatch(c ->
                Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
    }

    static void writeJson(Path path, ObjectNode node) {
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, Json.write(node), StandardCharsets.UTF_8);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    static Optional<ObjectNode> readJson(Path path) {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) Json.MAPPER.readTree(path.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + path, e);
        }
    }
}
