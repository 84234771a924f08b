package io.llmpipeline.router.internals.coalescing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Requests;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Role;

class CacheKeysTest {
    private static String key(LlmRequest request) {
        return CacheKeys.key(request, "");
    }

    @Test
    void shouldIgnoreWhatDoesNotChangeTheAnswer() {
        String base = key(Requests.valid("a").build());
        assertThat(key(Requests.valid("b").setTenantId("other").setPriority(Priority.BULK)
                .setMetadata(Map.of("x", "y")).setParams(Requests.params().setStream(true).build()).build())).isEqualTo(base);
    }

    @Test
    void shouldChangeWithMessagesParametersAndPin() {
        String base = key(Requests.valid("a").build());
        assertThat(key(Requests.valid("a").setParams(Requests.params().setTemperature(0.1).build()).build())).isNotEqualTo(base);
        assertThat(key(Requests.valid("a").setParams(Requests.params().setMaxTokens(101).build()).build())).isNotEqualTo(base);
        assertThat(key(Requests.valid("a").setModel("gpt-4o").build())).isNotEqualTo(base);
        assertThat(key(Requests.valid("a").setMessages(List.of(new ChatMessage(Role.USER, "Say hello to the world!", null, null)))
                .build())).isNotEqualTo(base);
        // the role is part of the prompt: the same words from the system are a different prompt
        assertThat(key(Requests.valid("a").setMessages(List.of(new ChatMessage(Role.SYSTEM, "You are terse.", null, null),
                new ChatMessage(Role.ASSISTANT, "Say hello to the world.", null, null))).build())).isNotEqualTo(base);
    }

    @Test
    void shouldTreatPassthroughJsonWithKeysInAnotherOrderAsTheSame() {
        String one = key(Requests.valid("a").setPassthroughJson("{\"a\":1,\"b\":{\"d\":2,\"c\":3}}").build());
        String two = key(Requests.valid("a").setPassthroughJson("{ \"b\": {\"c\":3, \"d\":2}, \"a\": 1 }").build());
        assertThat(one).isEqualTo(two).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(key(Requests.valid("a").build())).isNotEqualTo(one);
    }
}
