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

    public init(id: String, createdAt: Int, requestedModel: String, requestFields: JSONObject, reasoningSummary: Bool) {
        self.id = id
        self.createdAt = createdAt
        self.requestedModel = requestedModel
        self.requestFields = requestFields
        self.reasoningSummary = reasoningSummary
    }

    public static func responseID() -> String { "resp_" + Identifiers.base62(count: 24) }
}
