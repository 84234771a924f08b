package io.llmpipeline.worker.guard;

/**
 * What a provider said about its rate limits in one response's headers (OpenAI's
 * {@code x-ratelimit-*}, Anthropic's {@code anthropic-ratelimit-*}), and whether it said the
 * account itself is exhausted (OpenAI's {@code insufficient_quota}): then no pace helps until
 * someone pays, and the model is held instead of the call being retried.
 *
 * @param requests         the requests limit, or null when not announced
 * @param tokens           the (most restrictive) tokens limit, or null when not announced
 * @param accountExhausted the refusal was about the account's quota or credit, not the pace
 */
public record ProviderLimits(Window requests, Window tokens, boolean accountExhausted) {
    public static final ProviderLimits NONE = new ProviderLimits(null, null, false);

    /**
     * One announced limit.
     *
     * @param limit     per minute; -1 when not sent
     * @param remaining left in the provider's current window; -1 when not sent
     * @param resetMs   until the limit is fully replenished; -1 when not sent
     */
    public record Window(long limit, long remaining, long resetMs) {
    }

    /**
     * True when the provider counted room left under every limit it announced: a 429 that comes
     * with this is load shedding, not a sign that we go too fast.
     */
    public boolean saysRoomLeft() {
        if (requests == null && tokens == null) {
            return false;
        }
        return (requests == null || requests.remaining() > 0) && (tokens == null || tokens.remaining() > 0);
    }
}
