/// A passage found for a query, with the score it was ranked by: BM25 (higher is better) in
/// keyword mode, cosine similarity in vector mode, the fused reciprocal-rank score in hybrid mode.
public struct RetrievedPassage: Sendable, Hashable {
    public var chunk: RetrievalChunk
    public var score: Double

    public init(chunk: RetrievalChunk, score: Double) {
        self.chunk = chunk
        self.score = score
    }
}
