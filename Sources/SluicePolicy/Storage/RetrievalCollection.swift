public import Foundation

/// A named set of passages a policy can retrieve from (`rag_collections`).
public struct RetrievalCollection: Sendable, Hashable {
    public var name: String
    /// The backend that embeds its passages and queries, from the server's configuration; `nil`
    /// for a keyword-only collection.
    public var embeddingBackend: String?
    /// The model name sent to that backend; `nil` sends the backend's name.
    public var embeddingModel: String?
    /// The length of its vectors, learnt from the first passages embedded.
    public var dimensions: Int?
    /// Moves on with every change, so a cached vector index knows it is stale.
    public var revision: Int64
    public var createdAt: Date
    public var updatedAt: Date
    /// Counts, as the store reports them (not stored).
    public var sourceCount: Int
    public var chunkCount: Int

    public init(
        name: String, embeddingBackend: String? = nil, embeddingModel: String? = nil, dimensions: Int? = nil, revision: Int64 = 0,
        createdAt: Date, updatedAt: Date? = nil, sourceCount: Int = 0, chunkCount: Int = 0
    ) {
        self.name = name
        self.embeddingBackend = embeddingBackend
        self.embeddingModel = embeddingModel
        self.dimensions = dimensions
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.sourceCount = sourceCount
        self.chunkCount = chunkCount
    }

    /// Whether its passages have vectors, so vector and hybrid retrieval can use it.
    public var hasEmbeddings: Bool { embeddingBackend != nil }
}
