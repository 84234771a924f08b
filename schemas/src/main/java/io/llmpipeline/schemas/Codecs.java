package io.llmpipeline.schemas;

/** One shared codec per topic record type. */
public final class Codecs {
    public static final AvroCodec<LlmRequest> REQUEST = AvroCodec.of(LlmRequest.class);
    public static final AvroCodec<LlmAssignment> ASSIGNMENT = AvroCodec.of(LlmAssignment.class);
    public static final AvroCodec<LlmResult> RESULT = AvroCodec.of(LlmResult.class);
    public static final AvroCodec<InvocationEvent> INVOCATION = AvroCodec.of(InvocationEvent.class);
    public static final AvroCodec<ProviderHealth> HEALTH = AvroCodec.of(ProviderHealth.class);
    public static final AvroCodec<BudgetAlert> BUDGET_ALERT = AvroCodec.of(BudgetAlert.class);
    public static final AvroCodec<DlqEnvelope> DLQ = AvroCodec.of(DlqEnvelope.class);
    public static final AvroCodec<QuotaMember> QUOTA_MEMBER = AvroCodec.of(QuotaMember.class);
    public static final AvroCodec<BatchEvent> BATCH_EVENT = AvroCodec.of(BatchEvent.class);
    public static final AvroCodec<BatchState> BATCH_STATE = AvroCodec.of(BatchState.class);
    public static final AvroCodec<AttemptJournalEntry> ATTEMPT_JOURNAL = AvroCodec.of(AttemptJournalEntry.class);

    private Codecs() {
    }
}
