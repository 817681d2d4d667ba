/// What the `rag` stage and `sluice rag` keep in the database: collections of passages from a
/// team's documents, searchable by keyword (full-text ranking) and by vector.
///
/// The policy module owns this protocol and the stores implement it, as with ``PolicyStore``:
/// each store turns a plain-text query into its own full-text syntax (SQLite FTS5 with BM25,
/// PostgreSQL `websearch_to_tsquery`), so neither the stage nor the CLI writes SQL.
public protocol RetrievalStore: Sendable {
    /// Adds an empty collection; a name already taken is a ``SluiceCore/SluiceError`` 400.
    func createCollection(_ collection: RetrievalCollection) async throws

    /// The collection named `name`, with its counts.
    func collection(named name: String) async throws -> RetrievalCollection?

    /// Every collection, by name.
    func collections() async throws -> [RetrievalCollection]

    /// Removes a collection with its sources and passages; `false` when there was none.
    func removeCollection(named name: String) async throws -> Bool

    /// The documents of `collection`, by path.
    func sources(inCollection collection: String) async throws -> [RetrievalSource]

    /// Stores `source` and makes `chunks` its passages, replacing any it had, in one transaction
    /// that also moves the collection's revision on.
    func replaceSource(_ source: RetrievalSource, chunks: [RetrievalChunk]) async throws

    /// Removes a document and its passages; `false` when the collection had no such path.
    func removeSource(path: String, inCollection collection: String) async throws -> Bool

    /// The passages of `collection` matching `query`'s words, best first, at most `limit`;
    /// higher scores are better.
    func keywordMatches(for query: String, inCollection collection: String, limit: Int) async throws -> [(id: Int64, score: Double)]

    /// The passages with these ids, in no particular order.
    func chunks(ids: [Int64]) async throws -> [RetrievalChunk]

    /// The passages of one document, in order, with their vectors (what `sluice db copy` moves).
    func chunks(ofSource path: String, inCollection collection: String) async throws -> [RetrievalChunk]

    /// Every passage vector of `collection` (passages stored without one are left out).
    func chunkVectors(inCollection collection: String) async throws -> [(id: Int64, vector: [Float])]
}
