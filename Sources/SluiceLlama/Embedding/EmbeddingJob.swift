internal import CLlama

/// One request's inputs as the embedding thread sees them, and where their vectors go.
struct EmbeddingJob: Sendable {
    let id: UInt64
    /// Each input's tokens, within the context's limits (checked before the job is posted).
    let inputs: [[llama_token]]
    /// Called once, on the embedding thread, with one vector per input or the failure.
    let finish: @Sendable (Result<[[Float]], LlamaError>) -> Void
}
