public import SluiceCore

/// What a `response` object says about its request rather than its answer: its id and time,
/// and the request's settings echoed back (`instructions`, `tools`, `temperature`, …), as OpenAI
/// returns them in every response object.
public struct ResponsesEnvelope: Sendable, Hashable {
    /// `resp_…`
    public var id: String
    /// Unix seconds.
    public var createdAt: Int
    /// The model the client asked for, until the backend names the one that answers.
    public var requestedModel: String
    /// The echoed request fields, in the order they go out.
    public var requestFields: JSONObject
    /// The client asked for a reasoning summary (`reasoning.summary`): thinking goes out as one.
    public var reasoningSummary: Bool
    /// Reasoning items carry `encrypted_content`: the thinking's signature (Anthropic's, or an
    /// OpenAI upstream's encrypted reasoning), which lets the client send the reasoning back.
    public var includesEncryptedReasoning: Bool

    public init(
        id: String, createdAt: Int, requestedModel: String, requestFields: JSONObject, reasoningSummary: Bool,
        includesEncryptedReasoning: Bool = false
    ) {
        self.id = id
        self.createdAt = createdAt
        self.requestedModel = requestedModel
        self.requestFields = requestFields
        self.reasoningSummary = reasoningSummary
        self.includesEncryptedReasoning = includesEncryptedReasoning
    }

    public static func responseID() -> String { "resp_" + Identifiers.base62(count: 24) }
}
