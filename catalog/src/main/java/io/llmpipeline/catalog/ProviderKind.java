package io.llmpipeline.catalog;

/** The wire format a provider speaks. */
public enum ProviderKind {
    /** OpenAI chat completions, and every server that copies it (vLLM, LM Studio, Groq, ...). */
    OPENAI,
    /** Anthropic Messages API. */
    ANTHROPIC,
    /** Ollama /api/chat. */
    OLLAMA,
    /** Google Gemini generateContent. */
    GEMINI
}
