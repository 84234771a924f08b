package io.llmpipeline.router.internals.assignment;

import java.util.ArrayList;
import java.util.List;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;

/**
 * Live statistics of one model, built from its invocation events: success rate, p95 latency, cost
 * per thousand tokens, and characters per token for models whose tokenizer is not known.
 * Counts decay (halve past {@link #DECAY_AT} calls) so the figures follow the model's recent behaviour.
 *
 * @param latenciesMs             the most recent successful latencies, newest last
 * @param microsPer1kTokens       moving average of billed cost per 1,000 tokens, micro-dollars
 * @param charsPerToken           moving average of prompt characters per input token; 0 until observed
 */
public record ModelStats(long calls, long successes, List<Long> latenciesMs, long microsPer1kTokens,
                         double charsPerToken, long calibrationSamples, long updatedAtMs) {
    static final int DECAY_AT = 200;
    static final int LATENCY_SAMPLES = 50;
    /** Calibrated characters per token are kept within these bounds, whatever is observed. */
    static final double MIN_CHARS_PER_TOKEN = 1.0;
    static final double MAX_CHARS_PER_TOKEN = 8.0;

    public static ModelStats empty() {
        return new ModelStats(0, 0, List.of(), 0, 0, 0, 0);
    }

    /** Laplace-smoothed, so a model with no calls scores 0.5 rather than a perfect 1.0. */
    public double successRate() {
        return (successes + 1.0) / (calls + 2.0);
    }

    /** p95 of recent successful latencies, or -1 when none is known. */
    public long p95LatencyMs() {
        if (latenciesMs.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(latenciesMs);
        sorted.sort(null);
        return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
    }

    /**
     * One model's statistics from the partial ones each invocation partition keeps: counts add up,
     * latency samples are pooled, moving averages are weighted by the calls or samples behind them.
     */
    static ModelStats merge(List<ModelStats> partials) {
        if (partials.size() == 1) {
            return partials.getFirst();
        }
        long calls = 0, successes = 0, samples = 0, updated = 0, costWeight = 0;
        double costSum = 0, charsSum = 0;
        List<Long> latencies = new ArrayList<>();
        for (ModelStats p : partials) {
            calls += p.calls;
            successes += p.successes;
            latencies.addAll(p.latenciesMs);
            if (p.microsPer1kTokens > 0) {
                costSum += (double) p.microsPer1kTokens * Math.max(1, p.calls);
                costWeight += Math.max(1, p.calls);
            }
            charsSum += p.charsPerToken * p.calibrationSamples;
            samples += p.calibrationSamples;
            updated = Math.max(updated, p.updatedAtMs);
        }
        return new ModelStats(calls, successes, List.copyOf(latencies),
                costWeight == 0 ? 0 : Math.round(costSum / costWeight), samples == 0 ? 0 : charsSum / samples, samples, updated);
    }

    ModelStats observe(InvocationEvent e, int promptChars) {
        if (e.getOutcome() == InvocationOutcome.REJECTED) {
            return this; // refused by a local guard: says nothing about the model
        }
        long c = calls + 1;
        long s = successes + (e.getOutcome() == InvocationOutcome.SUCCESS ? 1 : 0);
        if (c > DECAY_AT) {
            c /= 2;
            s /= 2;
        }
        List<Long> lat = latenciesMs;
        if (e.getOutcome() == InvocationOutcome.SUCCESS) {
            lat = new ArrayList<>(latenciesMs);
            lat.add(Math.max(0, e.getEndedAtMs() - e.getStartedAtMs()));
            if (lat.size() > LATENCY_SAMPLES) {
                lat = new ArrayList<>(lat.subList(lat.size() - LATENCY_SAMPLES, lat.size()));
            }
        }
        long tokens = e.getUsage() == null ? 0 : (long) e.getUsage().getInputTokens() + e.getUsage().getOutputTokens();
        long per1k = microsPer1kTokens;
        if (e.getBilled() && tokens > 0) {
            long observed = e.getCostMicros() * 1000 / tokens;
            per1k = microsPer1kTokens == 0 ? observed : (microsPer1kTokens * 7 + observed) / 8;
        }
        double cpt = charsPerToken;
        long samples = calibrationSamples;
        int input = e.getUsage() == null ? 0 : e.getUsage().getInputTokens();
        if (promptChars > 0 && input > 0) {
            double observed = Math.clamp((double) promptChars / input, MIN_CHARS_PER_TOKEN, MAX_CHARS_PER_TOKEN);
            cpt = samples == 0 ? observed : cpt * 0.9 + observed * 0.1;
            samples++;
        }
        return new ModelStats(c, s, List.copyOf(lat), per1k, cpt, samples, e.getEndedAtMs());
    }
}
