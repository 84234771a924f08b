package io.llmpipeline.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
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
}
