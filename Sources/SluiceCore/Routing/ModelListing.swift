/// One entry of `GET /v1/models`: the id clients send, and the name to show for it.
public struct ModelListing: Sendable, Hashable {
    public var id: String
    public var displayName: String

    public init(id: String, displayName: String) {
        self.id = id
        self.displayName = displayName
    }
}
