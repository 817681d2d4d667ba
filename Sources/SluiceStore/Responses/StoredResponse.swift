public import Foundation

/// A Responses API response kept for `GET /v1/responses/{id}` and `previous_response_id`.
public struct StoredResponse: Sendable, Hashable {
    /// `resp_…`
    public var id: String
    /// The key that made it, the only one that may read, continue or delete it.
    public var keyID: String
    public var createdAt: Date
    public var expiresAt: Date
    /// The conversation's input items up to this response, as a JSON array.
    public var inputItems: String
    /// The `response` object as the client received it, as JSON.
    public var response: String

    public init(id: String, keyID: String, createdAt: Date, expiresAt: Date, inputItems: String, response: String) {
        self.id = id
        self.keyID = keyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.inputItems = inputItems
        self.response = response
    }
}
