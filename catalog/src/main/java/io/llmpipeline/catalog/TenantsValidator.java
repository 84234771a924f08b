package io.llmpipeline.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Checks the HTTP API's {@code tenants} and {@code apiKeys} sections. */
final class TenantsValidator {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TenantsValidator() {
    }

    static void validate(PipelineConfig config, List<ConfigProblem> problems) {
        config.tenants().forEach((name, tenant) -> {
            if (name.isBlank()) {
                problems.add(new ConfigProblem("tenants", "a tenant name is blank"));
            }
            if (tenant != null && tenant.callbackSecretEnv() != null && !ENV_NAME.matcher(tenant.callbackSecretEnv()).matches()) {
                problems.add(new ConfigProblem("tenants." + name + ".callbackSecretEnv", "'" + tenant.callbackSecretEnv()
                        + "' is not an environment variable name; name the variable that holds the secret, never the secret"));
            }
        });
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        for (int i = 0; i < config.apiKeys().size(); i++) {
            ApiKeyConfig key = config.apiKeys().get(i);
            String path = "apiKeys[" + i + "]";
            if (key.name() == null || key.name().isBlank()) {
                problems.add(new ConfigProblem(path + ".name", "missing; a label for logs and metrics"));
            } else if (names.putIfAbsent(key.name(), i) != null) {
                problems.add(new ConfigProblem(path + ".name", "'" + key.name() + "' is used by apiKeys[" + names.get(key.name()) + "] too"));
            }
            if (key.tenant() == null || !config.tenants().containsKey(key.tenant())) {
                problems.add(new ConfigProblem(path + ".tenant", "'" + key.tenant() + "' is not a tenant in this file; expected one of "
                        + new TreeSet<>(config.tenants().keySet())));
            }
            if (key.sha256() == null || !SHA256_HEX.matcher(key.sha256()).matches()) {
                problems.add(new ConfigProblem(path + ".sha256", "expected the key's SHA-256 as 64 lowercase hex characters"
                        + " (printf %s \"$KEY\" | sha256sum); the key itself never goes in the file"));
            } else if (hashes.putIfAbsent(key.sha256(), i) != null) {
                problems.add(new ConfigProblem(path + ".sha256", "the same key as apiKeys[" + hashes.get(key.sha256()) + "]"));
            }
            if (key.requestsPerMinute() < 1) {
                problems.add(new ConfigProblem(path + ".requestsPerMinute", key.requestsPerMinute() + " is not valid; expected a positive number"));
            }
        }
    }
}
