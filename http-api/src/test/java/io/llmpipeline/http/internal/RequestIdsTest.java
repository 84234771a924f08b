package io.llmpipeline.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void shouldGiveBackTheSubmissionTimeToItsTenantOnly() {
        String id = RequestIds.next("acme", 1_796_284_800_123L);

        assertThat(RequestIds.submittedAt(id, "acme")).hasValue(1_796_284_800_123L);
        assertThat(RequestIds.submittedAt(id, "globex")).isEmpty();
        assertThat(RequestIds.submittedAt(id.replace("req_", "req_1"), "acme")).as("tampered").isEmpty();
        assertThat(RequestIds.submittedAt("chatcmpl-123", "acme")).isEmpty();
        assertThat(RequestIds.next("acme", 1L)).isNotEqualTo(RequestIds.next("acme", 1L));
    }
}
