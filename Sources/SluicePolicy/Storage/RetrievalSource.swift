public import Foundation

/// One document of a collection (`rag_sources`): its path and a hash of its content, so that
/// adding it again unchanged does nothing.
public struct RetrievalSource: Sendable, Hashable {
    public var collection: String
    /// The path as given to `sluice rag add`, made absolute.
    public var path: String
    /// SHA-256 of the file's bytes, in hex.
    public var contentHash: String
    public var addedAt: Date
    /// How many passages it has, as the store reports it (not stored).
    public var chunkCount: Int

    public init(collection: String, path: String, contentHash: String, addedAt: Date, chunkCount: Int = 0) {
        self.collection = collection
        self.path = path
        self.contentHash = contentHash
        self.addedAt = addedAt
        self.chunkCount = chunkCount
    }
}
