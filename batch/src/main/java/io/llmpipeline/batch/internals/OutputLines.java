package io.llmpipeline.batch.internals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.batch.InputFormat;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * Result lines in the input's format, whichever provider answered: OpenAI Batch output and error
 * lines, Anthropic Message Batches result lines. Ids are derived from the request id, so assembling
 * the same results twice writes the same bytes.
 */
public final class OutputLines {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Why a valid line has no result although its batch ended. */
    public enum NotRun { CANCELLED, EXPIRED, BUDGET }

    /** A line to write and whether it belongs in the error file (OpenAI keeps failures apart). */
    public record Line(String json, boolean error) {
    }

    private final InputFormat format;

    public OutputLines(InputFormat format) {
        this.format = format;
    }

    public Line result(String customId, LlmResult result) {
        return format == InputFormat.OPENAI ? openAi(customId, result) : anthropic(customId, result);
    }

    public Line invalid(long lineNumber, String customId, String reason) {
        ObjectNode line = F.objectNode();
        if (format == InputFormat.OPENAI) {
            line.putNull("id");
            line.put("custom_id", customId);
            line.putNull("response");
            ObjectNode error = line.putObject("error");
            error.put("code", "invalid_request");
            error.put("message", reason);
            error.put("line", lineNumber);
        } else {
            line.put("custom_id", customId);
            line.put("line", lineNumber);
            anthropicError(line.putObject("result"), "invalid_request_error", reason);
        }
        return new Line(line.toString(), true);
    }

    public Line notRun(String batchId, String customId, NotRun why) {
        ObjectNode line = F.objectNode();
        if (format == InputFormat.OPENAI) {
            line.put("id", "batch_req_" + shortHash(BatchIds.requestId(batchId, customId)));
            line.put("custom_id", customId);
            line.putNull("response");
            ObjectNode error = line.putObject("error");
            switch (why) {
                case CANCELLED -> error.put("code", "batch_cancelled").put("message", "This request was not executed: the batch was cancelled.");
                case EXPIRED -> error.put("code", "batch_expired").put("message", "This request could not be executed before the completion window expired.");
                case BUDGET -> error.put("code", "budget_exceeded").put("message", "This request was not executed: the batch would have passed its --max-cost-usd.");
            }
            return new Line(line.toString(), true);
        }
        line.put("custom_id", customId);
        ObjectNode result = line.putObject("result");
        switch (why) {
            case CANCELLED -> result.put("type", "canceled");
            case EXPIRED -> result.put("type", "expired");
            case BUDGET -> anthropicError(result, "billing_error", "not executed: the batch would have passed its --max-cost-usd");
        }
        return new Line(line.toString(), false);
    }

    private Line openAi(String customId, LlmResult r) {
        ObjectNode line = F.objectNode();
        line.put("id", "batch_req_" + shortHash(r.getRequestId()));
        line.put("custom_id", customId);
        ErrorKind kind = r.getError() == null ? null : r.getError().getKind();
        if (r.getStatus() == ResultStatus.ERROR && (kind == ErrorKind.CANCELLED || kind == ErrorKind.DEADLINE_EXCEEDED)) {
            line.putNull("response");
            ObjectNode error = line.putObject("error");
            error.put("code", kind == ErrorKind.CANCELLED ? "batch_cancelled" : "batch_expired");
            error.put("message", r.getError().getMessage());
            return new Line(line.toString(), true);
        }
        ObjectNode response = line.putObject("response");
        response.put("request_id", r.getRequestId());
        if (r.getStatus() == ResultStatus.OK) {
            response.put("status_code", 200);
            ObjectNode body = response.putObject("body");
            body.put("id", "chatcmpl-" + shortHash(r.getRequestId()));
            body.put("object", "chat.completion");
            body.put("created", r.getCompletedAtMs() / 1000);
            body.put("model", r.getModel());
            ArrayNode choices = body.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", r.getOutput());
            choice.putNull("logprobs");
            choice.put("finish_reason", r.getFinishReason() == null ? "stop" : r.getFinishReason());
            ObjectNode usage = body.putObject("usage");
            int in = r.getUsage().getInputTokens();
            int out = r.getUsage().getOutputTokens();
            usage.put("prompt_tokens", in);
            usage.put("completion_tokens", out);
            usage.put("total_tokens", in + out);
            line.putNull("error");
            return new Line(line.toString(), false);
        }
        response.put("status_code", httpStatus(r));
        ObjectNode error = response.putObject("body").putObject("error");
        error.put("message", r.getError() == null ? "failed" : r.getError().getMessage());
        error.put("type", openAiErrorType(kind));
        error.putNull("param");
        error.put("code", kind == null ? null : kind.name().toLowerCase(java.util.Locale.ROOT));
        line.putNull("error");
        return new Line(line.toString(), true);
    }

    private Line anthropic(String customId, LlmResult r) {
        ObjectNode line = F.objectNode();
        line.put("custom_id", customId);
        ObjectNode result = line.putObject("result");
        ErrorKind kind = r.getError() == null ? null : r.getError().getKind();
        if (r.getStatus() == ResultStatus.OK) {
            result.put("type", "succeeded");
            ObjectNode message = result.putObject("message");
            message.put("id", "msg_" + shortHash(r.getRequestId()));
            message.put("type", "message");
            message.put("role", "assistant");
            message.put("model", r.getModel());
            message.putArray("content").addObject().put("type", "text").put("text", r.getOutput());
            message.put("stop_reason", stopReason(r.getFinishReason()));
            message.putNull("stop_sequence");
            ObjectNode usage = message.putObject("usage");
            usage.put("input_tokens", r.getUsage().getInputTokens());
            usage.put("output_tokens", r.getUsage().getOutputTokens());
        } else if (kind == ErrorKind.CANCELLED) {
            result.put("type", "canceled");
        } else if (kind == ErrorKind.DEADLINE_EXCEEDED) {
            result.put("type", "expired");
        } else {
            anthropicError(result, anthropicErrorType(kind), r.getError() == null ? "failed" : r.getError().getMessage());
        }
        return new Line(line.toString(), false);
    }

    private static void anthropicError(ObjectNode result, String type, String message) {
        result.put("type", "errored");
        ObjectNode outer = result.putObject("error");
        outer.put("type", "error");
        ObjectNode inner = outer.putObject("error");
        inner.put("type", type);
        inner.put("message", message);
    }

    private static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "stop_sequence" -> "stop_sequence";
            default -> "end_turn";
        };
    }

    private static int httpStatus(LlmResult r) {
        if (r.getError() != null && r.getError().getHttpStatus() != null) {
            return r.getError().getHttpStatus();
        }
        ErrorKind kind = r.getError() == null ? ErrorKind.INTERNAL : r.getError().getKind();
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_OVERFLOW, NO_ROUTE, CONTENT_FILTERED -> 400;
            case AUTHENTICATION -> 401;
            case BUDGET_EXCEEDED, RATE_LIMITED -> 429;
            case PROVIDER_OVERLOADED, UNAVAILABLE -> 503;
            case TIMEOUT -> 504;
            default -> 500;
        };
    }

    private static String openAiErrorType(ErrorKind kind) {
        if (kind == null) {
            return "server_error";
        }
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_OVERFLOW, NO_ROUTE, CONTENT_FILTERED -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case BUDGET_EXCEEDED -> "insufficient_quota";
            case RATE_LIMITED -> "rate_limit_error";
            default -> "server_error";
        };
    }

    private static String anthropicErrorType(ErrorKind kind) {
        if (kind == null) {
            return "api_error";
        }
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_OVERFLOW, NO_ROUTE, CONTENT_FILTERED -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case BUDGET_EXCEEDED -> "billing_error";
            case RATE_LIMITED -> "rate_limit_error";
            case PROVIDER_OVERLOADED, UNAVAILABLE -> "overloaded_error";
            case TIMEOUT -> "timeout_error";
            default -> "api_error";
        };
    }

    static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
