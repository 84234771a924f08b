package io.llmpipeline.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key, declared once: its name in {@code pipeline.yaml}, its type, its default,
 * the check a value must pass and its documentation. Validation, resolution against defaults and
 * the documentation tests all read the declaration, so they cannot drift apart.
 *
 * @param name         the YAML key
 * @param type         the value's type
 * @param defaultValue the value when the key is absent everywhere; null for "none"
 * @param check        what a value set in a file must satisfy
 * @param expected     what {@code check} accepts, in the words of an error message
 * @param doc          what the key does
 * @param read         the key's value in a section (null when absent)
 * @param write        sets the key on a builder
 * @param <S>          the section (e.g. {@link GuardsConfig})
 * @param <B>          the section's builder
 * @param <T>          the value's type
 */
public record ConfigKey<S, B, T>(String name, Class<T> type, T defaultValue, Predicate<T> check, String expected,
                                 String doc, Function<S, T> read, BiConsumer<B, T> write) {

    /** A problem when the section sets this key to a value its check refuses; null otherwise. */
    public ConfigProblem problem(String sectionPath, S section) {
        T value = read.apply(section);
        if (value == null || check.test(value)) {
            return null;
        }
        return new ConfigProblem(sectionPath + "." + name, value + " is not valid; expected " + expected);
    }

    /** Writes {@code own}'s value, else {@code base}'s, else the default onto {@code builder}. */
    void resolve(S own, S base, B builder) {
        T value = read.apply(own);
        if (value == null && base != null) {
            value = read.apply(base);
        }
        write.accept(builder, value != null ? value : defaultValue);
    }

    /** The problems of every key of a section, each named by its path. */
    static <S, B> List<ConfigProblem> problems(List<ConfigKey<S, B, ?>> keys, String sectionPath, S section) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigKey<S, B, ?> key : keys) {
            ConfigProblem p = key.problem(sectionPath, section);
            if (p != null) {
                problems.add(p);
            }
        }
        return problems;
    }

    /** Writes every key, resolved over {@code base} and the defaults, onto {@code builder}. */
    static <S, B> B resolveAll(List<ConfigKey<S, B, ?>> keys, S own, S base, B builder) {
        for (ConfigKey<S, B, ?> key : keys) {
            key.resolve(own, base, builder);
        }
        return builder;
    }

    static <S, B> ConfigKey<S, B, Integer> positiveInt(String name, Integer defaultValue, String doc,
                                                       Function<S, Integer> read, BiConsumer<B, Integer> write) {
        return new ConfigKey<>(name, Integer.class, defaultValue, v -> v > 0, "a positive number", doc, read, write);
    }

    static <S, B> ConfigKey<S, B, Long> positiveLong(String name, Long defaultValue, String doc,
                                                     Function<S, Long> read, BiConsumer<B, Long> write) {
        return new ConfigKey<>(name, Long.class, defaultValue, v -> v > 0, "a positive number", doc, read, write);
    }

    static <S, B> ConfigKey<S, B, Long> nonNegativeLong(String name, Long defaultValue, String doc,
                                                        Function<S, Long> read, BiConsumer<B, Long> write) {
        return new ConfigKey<>(name, Long.class, defaultValue, v -> v >= 0, "0 or more", doc, read, write);
    }

    static <S, B> ConfigKey<S, B, Integer> percent(String name, Integer defaultValue, String doc,
                                                   Function<S, Integer> read, BiConsumer<B, Integer> write) {
        return new ConfigKey<>(name, Integer.class, defaultValue, v -> v >= 1 && v <= 100, "a percentage 1 to 100", doc,
                read, write);
    }
}
