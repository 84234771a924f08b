package io.llmpipeline.catalog;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration file was refused. Lists every problem found, each with its path. */
public final class CatalogException extends RuntimeException {
    private final String source;
    private final List<ConfigProblem> problems;

    public CatalogException(String source, List<ConfigProblem> problems) {
        super("invalid configuration " + source + ":\n" + problems.stream()
                .map(p -> "  - " + p).collect(Collectors.joining("\n")), null, false, false);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
