package io.llmpipeline.sim.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.sim.FaultScript;

/**
 * Serves one chat call: parse, decide the fault, build the answer, and deliver it after the
 * scripted latency from a scheduler, so that no thread is held while a call "thinks".
 */
public final class CallHandler {
    private final ScriptBook scripts;
    private final StatsRecorder stats;
    private final Answerer answerer;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Set<Callback> hanging = ConcurrentHashMap.newKeySet();

    public CallHandler(ScriptBook scripts, StatsRecorder stats, Clock clock, ScheduledExecutorService scheduler) {
        this.scripts = scripts;
        this.stats = stats;
        this.answerer = new Answerer(clock);
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public void handle(WireFormat format, String pathModel, boolean pathStream, Request request, Response response,
                       Callback callback) {
        Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
            if (failure != null) {
                callback.failed(failure);
            } else {
                serve(format, pathModel, pathStream, body, request, response, callback);
            }
        });
    }

    /** Ends calls that hang, so that the server can stop. */
    public void releaseHanging() {
        for (Callback callback : List.copyOf(hanging)) {
            callback.failed(new EofException("simulator stopping"));
        }
    }

    private void serve(WireFormat format, String pathModel, boolean pathStream, String body, Request request,
                       Response response, Callback callback) {
        ChatCall call;
        try {
            JsonNode json = body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
            call = format.parse(request, json, pathModel, pathStream);
        } catch (JsonProcessingException e) {
            write(format.badRequest(new BadRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage())), response, callback);
            return;
        } catch (BadRequest e) {
            write(format.badRequest(e), response, callback);
            return;
        }
        StatsRecorder.Ticket ticket = stats.begin(call.model());
        ModelState state = scripts.stateFor(call.model());
        Map<String, String> headers = new HashMap<>();
        Answer answer = decide(format, call, state, ticket, headers);
        long delayMs = state.script().latencyMs() + state.nextJitter();
        deliver(answer, headers, delayMs, request, response, new Finishing(callback, ticket, answer));
    }

    /** Decides the answer; {@code headers} receives the rate-limit headers to send with it. */
    private Answer decide(WireFormat format, ChatCall call, ModelState state, StatsRecorder.Ticket ticket,
                          Map<String, String> headers) {
        FaultScript script = state.script();
        if (script.requireApiKey() && !call.hasApiKey()) {
            return format.missingApiKey();
        }
        if (script.down()) {
            return scriptedFailure(format, script, "The model " + call.model() + " is down (simulated).");
        }
        if (state.nextCallFailsFirst()) {
            return scriptedFailure(format, script, "Simulated failure of one of the first " + script.failFirstN() + " calls.");
        }
        if (script.requestsPerMinute() > 0 || script.tokensPerMinute() > 0) {
            int callTokens = Tokens.promptTokens(Tokens.encoding(script.tokenizer()), call.messages())
                    + (call.maxTokens() == null ? 0 : Math.max(0, call.maxTokens()));
            RateLimits.Admission admission = state.limits().admit(clock.millis(), callTokens,
                    script.requestsPerMinute(), script.tokensPerMinute());
            headers.putAll(format.rateLimitHeaders(admission, clock.instant()));
            if (!admission.admitted()) {
                long limit = "requests".equals(admission.refusedBy()) ? script.requestsPerMinute() : script.tokensPerMinute();
                return format.rateLimited(call.model(), admission.refusedBy(), limit,
                        (int) ((admission.retryAfterMs() + 999) / 1000));
            }
        }
        boolean malformed = false;
        if (script.errorRate() > 0 || script.hangRate() > 0 || script.malformedRate() > 0) {
            double draw = state.nextDouble();
            if (draw < script.errorRate()) {
                return scriptedFailure(format, script, "Simulated error (errorRate " + script.errorRate() + ").");
            } else if (draw < script.errorRate() + script.hangRate()) {
                return new Answer.Hang();
            }
            malformed = draw < script.errorRate() + script.hangRate() + script.malformedRate();
        }
        Completion completion = answerer.answer(call, script);
        int limit = contextLimit(format, call, script);
        if (limit > 0 && completion.promptTokens() > limit) {
            if (!format.truncatesContext()) {
                return format.contextTooLong(completion.promptTokens(), limit);
            }
            completion = completion.withPromptTokens(limit);
        }
        ticket.usage(completion.promptTokens(), completion.completionTokens());
        if (!call.stream()) {
            byte[] body = format.body(completion, call);
            if (malformed) {
                body = Arrays.copyOf(body, body.length / 2);
            }
            return new Answer.Full(200, "application/json", body, null);
        }
        List<byte[]> frames = format.frames(completion, call);
        if (malformed) {
            frames = malformFrame(frames, format.frameTerminator());
        }
        return new Answer.Streamed(format.streamContentType(), frames, script.streamCutAfterChunks());
    }

    private static int contextLimit(WireFormat format, ChatCall call, FaultScript script) {
        int limit = script.contextLimit();
        if (format.truncatesContext()) {
            int context = call.numCtx() != null && call.numCtx() > 0 ? call.numCtx() : format.defaultContext(call);
            if (context > 0) {
                limit = limit > 0 ? Math.min(limit, context) : context;
            }
        }
        return limit;
    }

    /** Cuts the JSON of the second frame in half (the first holds no text in some formats). */
    private static List<byte[]> malformFrame(List<byte[]> frames, String terminator) {
        byte[][] copy = frames.toArray(new byte[0][]);
        int index = Math.min(1, copy.length - 1);
        byte[] frame = copy[index];
        byte[] end = terminator.getBytes(StandardCharsets.US_ASCII);
        byte[] cut = Arrays.copyOf(frame, frame.length / 2 + end.length);
        System.arraycopy(end, 0, cut, frame.length / 2, end.length);
        copy[index] = cut;
        return List.of(copy);
    }

    private static Answer scriptedFailure(WireFormat format, FaultScript script, String message) {
        if (script.errorStatus() == 0) {
            return new Answer.Drop();
        }
        return format.error(script.errorStatus(), message, script.retryAfterSeconds());
    }

    private void deliver(Answer answer, Map<String, String> headers, long delayMs, Request request, Response response,
                         Finishing callback) {
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        switch (answer) {
            case Answer.Full full -> later(delayMs, () -> write(full, response, callback));
            case Answer.Streamed streamed -> stream(streamed, delayMs, response, callback);
            case Answer.Hang hang -> {
                hanging.add(callback);
                request.addFailureListener(failure -> {
                    hanging.remove(callback);
                    callback.failed(failure);
                });
                // a hung upstream sends nothing, not even an error page: on HTTP/1.1 drop the connection at
                // the idle timeout (on h2 closing would kill the other streams, so Jetty's default applies)
                request.addIdleTimeoutListener(timeout -> {
                    if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1) {
                        hanging.remove(callback);
                        request.getConnectionMetaData().getConnection().getEndPoint().close();
                        callback.failed(timeout);
                    }
                    return true;
                });
            }
            case Answer.Drop drop -> later(delayMs, () -> {
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new EofException("connection dropped (simulated)"));
            });
        }
    }

    private void later(long delayMs, Runnable task) {
        if (delayMs <= 0) {
            task.run();
        } else {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private static void write(Answer.Full full, Response response, Callback callback) {
        if (callback instanceof Finishing finishing) {
            finishing.settle();
        }
        response.setStatus(full.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, full.contentType());
        if (full.retryAfterSeconds() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(full.retryAfterSeconds()));
        }
        response.write(true, ByteBuffer.wrap(full.body()), callback);
    }

    private void stream(Answer.Streamed streamed, long delayMs, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, streamed.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        List<byte[]> frames = streamed.frames();
        boolean cut = streamed.cutAfter() != null && streamed.cutAfter() < frames.size();
        int count = cut ? streamed.cutAfter() : frames.size();
        Runnable finish = cut
                ? () -> callback.failed(new EofException("stream cut after " + count + " chunks (simulated)"))
                : callback::succeeded;
        if (delayMs <= 0 || count <= 1) {
            later(delayMs, () -> writeFrames(frames.subList(0, count), !cut, response, finish, callback));
        } else {
            long gapMs = Math.max(1, delayMs / count);
            writeFrameLater(frames, 0, count, gapMs, !cut, response, finish, callback);
        }
    }

    private static void writeFrames(List<byte[]> frames, boolean last, Response response, Runnable finish,
                                    Callback callback) {
        int size = frames.stream().mapToInt(f -> f.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        frames.forEach(buffer::put);
        buffer.flip();
        if (last && callback instanceof Finishing finishing) {
            finishing.settle();
        }
        response.write(last, buffer, Callback.from(finish, callback::failed));
    }

    private void writeFrameLater(List<byte[]> frames, int index, int count, long gapMs, boolean endCleanly,
                                 Response response, Runnable finish, Callback callback) {
        scheduler.schedule(() -> {
            boolean lastFrame = index == count - 1;
            Runnable next = lastFrame ? finish
                    : () -> writeFrameLater(frames, index + 1, count, gapMs, endCleanly, response, finish, callback);
            if (lastFrame && endCleanly && callback instanceof Finishing finishing) {
                finishing.settle();
            }
            response.write(lastFrame && endCleanly, ByteBuffer.wrap(frames.get(index)), Callback.from(next, callback::failed));
        }, gapMs, TimeUnit.MILLISECONDS);
    }

    /** Completes the call's callback once and records its outcome. */
    private static final class Finishing implements Callback {
        private final Callback delegate;
        private final StatsRecorder.Ticket ticket;
        private final int status;
        private final boolean streamed;

        Finishing(Callback delegate, StatsRecorder.Ticket ticket, Answer answer) {
            this.delegate = delegate;
            this.ticket = ticket;
            this.status = switch (answer) {
                case Answer.Full full -> full.status();
                case Answer.Streamed streamed -> 200;
                case Answer.Hang hang -> 0;
                case Answer.Drop drop -> 0;
            };
            this.streamed = answer instanceof Answer.Streamed;
        }

        /** Records the outcome as soon as the answer is handed to Jetty, before the client can see it. */
        void settle() {
            ticket.finish(status);
        }

        @Override
        public void succeeded() {
            ticket.finish(status);
            delegate.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            // a stream that has started has sent its 200, even when it is cut
            ticket.finish(streamed ? 200 : 0);
            delegate.failed(x);
        }
    }
}
