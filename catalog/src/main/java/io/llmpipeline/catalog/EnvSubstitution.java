package io.llmpipeline.catalog;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in the raw file text, so one file serves
 * laptops and clusters (e.g. {@code baseUrl: ${SIM_URL:-http://localhost:8089}}). Secrets are
 * not meant for this: keys are named by {@code apiKeyEnv} and read only by the worker.
 */
final class EnvSubstitution {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {
    }

    static String apply(String text, Function<String, String> env, java.util.List<ConfigProblem> problems) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = env.apply(matcher.group(1));
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                problems.add(new ConfigProblem("${" + matcher.group(1) + "}",
                        "environment variable " + matcher.group(1) + " is not set and has no default (write ${"
                                + matcher.group(1) + ":-value})"));
                value = "";
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
