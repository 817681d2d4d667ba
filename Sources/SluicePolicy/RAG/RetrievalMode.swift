/// How passages are found.
public enum RetrievalMode: String, Sendable, Hashable, CaseIterable {
    /// Full-text ranking (BM25 on SQLite), on every collection.
    case keyword
    /// Cosine similarity to the query's vector; needs a collection created with `--embeddings`.
    case vector
    /// Both rankings fused by reciprocal rank; keyword alone on a collection without vectors.
    case hybrid
}
