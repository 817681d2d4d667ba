/// A backend that can also turn texts into vectors: an OpenAI-compatible upstream, or the embedded
/// engine with an embedding model. Backends that cannot (Anthropic's API has no embeddings) simply
/// do not conform, and the dispatcher refuses to route embeddings to them.
public protocol EmbeddingBackend: Backend {
    /// Embeds `request`'s inputs (its `model` is already the name to send upstream).
    ///
    /// Throws ``SluiceError``; retriable ones let the router try again or fall back.
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResult
}
