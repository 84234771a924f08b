package io.llmpipeline.catalog;

/**
 * One thing wrong with a configuration file.
 *
 * @param path    where, as {@code models.gpt-4o.contextWindow} or {@code routes[2].candidates[0]}
 * @param message what is wrong and what would be valid
 */
public record ConfigProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
