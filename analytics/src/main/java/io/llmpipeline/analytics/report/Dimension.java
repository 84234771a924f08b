package io.llmpipeline.analytics.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A column spend can be grouped by: {@code tenant}, {@code model}, {@code provider},
 * {@code task_type}, {@code day}, {@code outcome}, or {@code label:<key>} (a cost-attribution
 * label; requests without it fall under {@code (none)}).
 *
 * @param name       as the user wrote it, also the output column's name
 * @param expression the SQL over the {@code invocations} view
 */
public record Dimension(String name, String expression) {
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    public static Dimension parse(String text) {
        String name = text.strip();
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tenant" -> new Dimension("tenant", "tenant_id");
            case "model" -> new Dimension("model", "model");
            case "provider" -> new Dimension("provider", "provider");
            case "task_type" -> new Dimension("task_type", "task_type");
            case "day" -> new Dimension("day", "day");
            case "outcome" -> new Dimension("outcome", "outcome");
            default -> {
                if (name.startsWith("label:") && LABEL_KEY.matcher(name.substring(6)).matches()) {
                    yield new Dimension(name, "coalesce(labels['" + name.substring(6) + "'], '(none)')");
                }
                throw new ReportException("'" + text + "' is not a dimension; expected tenant, model, provider, task_type, day, "
                        + "outcome or label:<key> (letters, digits, _ . -)");
            }
        };
    }

    /** {@code tenant,model,label:team}; blank means no grouping (one total row). */
    public static List<Dimension> parseList(String text) {
        List<Dimension> dims = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                dims.add(parse(part));
            }
        }
        return dims;
    }
}
