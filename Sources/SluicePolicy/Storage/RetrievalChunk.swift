/// One stored passage (`rag_chunks`): a ``DocumentChunk`` with where it came from and its vector.
public struct RetrievalChunk: Sendable, Hashable {
    /// Assigned by the store; `nil` before it is stored.
    public var id: Int64?
    public var collection: String
    public var sourcePath: String
    public var heading: String
    public var startLine: Int
    public var endLine: Int
    public var text: String
    /// `nil` in a keyword-only collection.
    public var vector: [Float]?

    public init(
        id: Int64? = nil, collection: String, sourcePath: String, heading: String, startLine: Int, endLine: Int, text: String,
        vector: [Float]? = nil
    ) {
        self.id = id
        self.collection = collection
        self.sourcePath = sourcePath
        self.heading = heading
        self.startLine = startLine
        self.endLine = endLine
        self.text = text
        self.vector = vector
    }
}
