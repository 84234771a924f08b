package io.llmpipeline.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/** One provider-compatible request and response shape the API speaks (OpenAI chat, Anthropic messages). */
public interface ApiFormat {
    /** Stored in the request's metadata under {@link #METADATA_KEY}, so a result found later is rendered the same way. */
    String name();

    String METADATA_KEY = "llm.http.format";

    /** The pipeline request this body asks for; throws {@link ApiError} saying what is wrong. */
    ParsedCall parse(ObjectNode body, Catalog catalog);

    /** The successful answer's JSON. */
    ObjectNode success(LlmResult result, String callId);

    /** A whole server-sent-event stream of the answer, cut into pieces, ending as the format ends a stream. */
    String stream(LlmResult result, String callId, boolean includeUsage);

    /** This format's error JSON. */
    ObjectNode error(ApiError error);

    /** A {@code model} that leaves the choice to the route. */
    String AUTO_MODEL = "auto";

    /**
     * A request pinned to {@code model}, or to no model for {@link #AUTO_MODEL}; the default task
     * type is {@code chat} (a header may change it), id and tenant are set when it is sent.
     */
    static LlmRequest.Builder newRequest(String model, Catalog catalog) {
        LlmRequest.Builder request = LlmRequest.newBuilder().setRequestId("pending").setTenantId("pending").setTaskType("chat");
        if (model.equals(AUTO_MODEL)) {
            return request;
        }
        if (catalog.model(model).isEmpty()) {
            throw new ApiError(404, "invalid_request_error", "model_not_found", "model", null, false,
                    "The model '" + model + "' does not exist in this pipeline's catalog; use one of "
                            + new java.util.TreeSet<>(catalog.config().models().keySet()) + " or '" + AUTO_MODEL + "' to let the route choose");
        }
        return request.setModel(model);
    }
}
