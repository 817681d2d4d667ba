public import SluiceCore

/// A decoded Responses API request: the canonical request plus what only the Responses front
/// acts on (storage, continuation, the fields its answer echoes).
public struct ResponsesRequest: Sendable {
    public var chat: ChatRequest
    /// Keep the response for `GET /v1/responses/{id}` and `previous_response_id` (OpenAI's default).
    public var store: Bool
    public var previousResponseID: String?
    /// This request's `input` as items; a string input is one user message item.
    public var inputItems: [JSONValue]
    /// The request settings every `response` object echoes back.
    public var requestFields: JSONObject
    /// The client asked for a reasoning summary.
    public var reasoningSummary: Bool
    /// The client asked for `reasoning.encrypted_content`, to send reasoning back itself.
    public var includesEncryptedReasoning: Bool

    public func envelope(id: String, createdAt: Int) -> ResponsesEnvelope {
        ResponsesEnvelope(
            id: id, createdAt: createdAt, requestedModel: chat.model, requestFields: requestFields, reasoningSummary: reasoningSummary,
            includesEncryptedReasoning: includesEncryptedReasoning)
    }
}
