/// One embeddings request in Sluice's canonical form: what the OpenAI front decodes
/// `/v1/embeddings` into, what the policy chain inspects, and what embedding backends answer.
///
/// Anything in the process may build one and send it through ``Dispatcher/embed(_:)``: a policy
/// stage that embeds a query does not need to go through HTTP.
public struct EmbeddingRequest: Sendable, Hashable {
    /// One text to embed: as text, or as token IDs of the backend's vocabulary.
    public enum Input: Sendable, Hashable {
        case text(String)
        case tokens([Int])
    }

    /// The model name as the client sent it; routing may rewrite what goes upstream.
    public var model: String
    /// One vector comes back for each, in this order.
    public var inputs: [Input]
    /// The length the vectors should have, for models that can shorten them; `nil` for their own.
    public var dimensions: Int?
    /// The end user on whose behalf the request is made (OpenAI `user`).
    public var user: String?

    public init(model: String, inputs: [Input], dimensions: Int? = nil, user: String? = nil) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.user = user
    }
}
