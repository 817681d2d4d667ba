internal import CLlama

/// One request as the engine sees it: the prompt's tokens, how to sample, when to stop, and where
/// to send what it generates.
///
/// `@unchecked Sendable`: built by the request's task and handed over through the engine's inbox;
/// from then on only the engine thread touches its mutable state.
final class GenerationJob: @unchecked Sendable {
    typealias ID = UInt64

    let id: ID
    let promptTokens: [llama_token]
    let sampler: TokenSampler
    let maxTokens: Int
    /// Tokens rendered as their text (the template's tool-call and thinking tags); other control
    /// tokens never reach the output.
    let preservedTokens: Set<llama_token>
    let mailbox: JobMailbox
    let submitted = ContinuousClock.now

    // Engine-thread state.
    var matcher: StopSequenceMatcher
    var generatedTokens = 0
    var cachedTokens = 0
    var firstTokenAt: ContinuousClock.Instant?

    init(
        id: ID, promptTokens: [llama_token], sampler: TokenSampler, maxTokens: Int, stops: [StopSequenceMatcher.Stop],
        preservedTokens: Set<llama_token>, mailbox: JobMailbox
    ) {
        self.id = id
        self.promptTokens = promptTokens
        self.sampler = sampler
        self.maxTokens = maxTokens
        self.preservedTokens = preservedTokens
        self.mailbox = mailbox
        self.matcher = StopSequenceMatcher(stops: stops)
    }
}
