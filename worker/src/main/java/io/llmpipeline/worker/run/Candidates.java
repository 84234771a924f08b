package io.llmpipeline.worker.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.worker.guard.ModelGuard;
import io.llmpipeline.worker.run.Candidate.Standing;

/**
 * The models a request may use, in order: its target, then its fallback chain (each model once).
 * Chooses the next one to try: the first that is active and available now.
 */
final class Candidates {
    /** What the request should do next, as far as its candidates go. */
    sealed interface Choice {
        /** Try this one now. */
        record Try(Candidate candidate) implements Choice {
        }

        /** Every active candidate is unavailable: look again at {@code atMs}. */
        record WaitUntil(long atMs) implements Choice {
        }

        /** No candidate can take the prompt. */
        record NoneFits() implements Choice {
        }

        /** Every candidate used its attempts: start a new round after a backoff. */
        record NewRound(Candidate first) implements Choice {
        }
    }

    private final List<Candidate> all = new ArrayList<>();
    private final List<String> unknown = new ArrayList<>();

    Candidates(LlmAssignment assignment, RunContext ctx) {
        Set<String> seen = new LinkedHashSet<>();
        List<ModelRef> chain = new ArrayList<>();
        chain.add(assignment.getTarget());
        chain.addAll(assignment.getFallbackChain());
        for (ModelRef ref : chain) {
            if (!seen.add(ref.getModel())) {
                continue;
            }
            ModelConfig model = ctx.catalog().config().models().get(ref.getModel());
            ModelGuard guard = ctx.guards().forModel(ref.getModel()).orElse(null);
            ProviderEndpoint endpoint = model == null ? null : ctx.endpoints().get(model.provider());
            if (model == null || guard == null || endpoint == null) {
                unknown.add(ModelKey.of(ref.getProvider(), ref.getModel()));
            } else {
                all.add(new Candidate(new ModelRef(model.provider(), ref.getModel()), model, guard, endpoint));
            }
        }
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    /** Models of the assignment this worker does not know, for the error message. */
    List<String> unknown() {
        return unknown;
    }

    Choice choose(long now) {
        long earliest = Long.MAX_VALUE;
        boolean anyActive = false;
        for (Candidate c : all) {
            if (!c.active()) {
                continue;
            }
            anyActive = true;
            long at = c.guard.availableAtMs();
            if (at <= now) {
                return new Choice.Try(c);
            }
            earliest = Math.min(earliest, at);
        }
        if (anyActive) {
            return new Choice.WaitUntil(earliest);
        }
        if (all.stream().allMatch(c -> c.standing == Standing.UNFIT)) {
            return new Choice.NoneFits();
        }
        for (Candidate c : all) {
            if (c.standing == Standing.EXHAUSTED) {
                c.standing = Standing.ACTIVE;
                c.failures = 0;
                c.unreadableAnswers = 0;
            }
        }
        return new Choice.NewRound(all.stream().filter(Candidate::active).findFirst().orElseThrow());
    }

    boolean anyActive() {
        return all.stream().anyMatch(Candidate::active);
    }

    /** Whether another active candidate than {@code besides} could be tried now. */
    boolean otherAvailable(Candidate besides, long now) {
        return all.stream().anyMatch(o -> o != besides && o.active() && o.guard.availableAtMs() <= now);
    }

    /** Each candidate and where it stands, for a deadline message. */
    String describe() {
        List<String> out = new ArrayList<>();
        for (Candidate c : all) {
            out.add(c.describe());
        }
        return String.join(", ", out);
    }
}
