/// A backend's answer to an ``EmbeddingRequest``: one vector per input, in the inputs' order.
public struct EmbeddingResult: Sendable, Hashable {
    /// The model that answered, as the backend names it.
    public var model: String
    public var vectors: [[Float]]
    /// The tokens the inputs amounted to; embeddings have no output tokens.
    public var inputTokens: Int

    public init(model: String, vectors: [[Float]], inputTokens: Int) {
        self.model = model
        self.vectors = vectors
        self.inputTokens = inputTokens
    }
}
