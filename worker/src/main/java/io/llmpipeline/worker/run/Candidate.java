package io.llmpipeline.worker.run;

import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.worker.guard.ModelGuard;

/** One model a request may use, and what this request has learnt about it so far. */
final class Candidate {
    /** Where the model stands for this request. */
    enum Standing {
        /** may be tried (when its guards allow) */
        ACTIVE,
        /** used up its attempts this round; may come back next round */
        EXHAUSTED,
        /** cannot take this prompt at all */
        UNFIT
    }

    final ModelRef ref;
    final ModelConfig model;
    final ModelGuard guard;
    final ProviderEndpoint endpoint;
    Standing standing = Standing.ACTIVE;
    int failures;
    int unreadableAnswers;
    /** 429s this round: they pace the retries but never use up the model's attempts */
    int throttles;
    /** tokens reserved from the model's tokens-per-minute limits for the call in flight */
    int reservedTokens;

    Candidate(ModelRef ref, ModelConfig model, ModelGuard guard, ProviderEndpoint endpoint) {
        this.ref = ref;
        this.model = model;
        this.guard = guard;
        this.endpoint = endpoint;
    }

    String key() {
        return ModelKey.of(ref.getProvider(), ref.getModel());
    }

    boolean active() {
        return standing == Standing.ACTIVE;
    }

    /** Output tokens asked for: the request's {@code max_tokens}, at most the model's maximum. */
    int maxTokens(Integer asked) {
        int max = model.maxOutputTokens();
        return asked == null ? max : Math.min(asked, max);
    }

    String describe() {
        String state = switch (standing) {
            case UNFIT -> "cannot take the prompt";
            case EXHAUSTED -> "attempts used up";
            case ACTIVE -> guard.unavailability();
        };
        return key() + ": " + state;
    }
}
