internal import SluiceCore
internal import Synchronization

/// Finds the passages of collections that best match a query, for the `rag` stage and
/// `sluice rag search` alike, so the CLI shows exactly what the stage would inject.
///
/// Keyword search runs in the database. Vector search is exact: each collection's vectors are
/// loaded once into a ``VectorIndex`` and kept until the collection's revision moves on (a
/// `sluice rag add` while the server runs is picked up by the next query).
public final class Retriever: Sendable {
    /// The name under which the server registers its retriever in the policy environment.
    public static let serviceName = "retriever"

    public let store: any RetrievalStore
    private let embedder: (any PassageEmbedder)?
    private let indexes = Mutex<[String: (revision: Int64, index: VectorIndex)]>([:])
    /// The collections as last listed, for policy loading, which cannot wait on the database;
    /// `nil` until they have been listed once.
    private let catalog = Mutex<[String: RetrievalCollection]?>(nil)

    /// - Parameter embedder: embeds queries for vector and hybrid modes; `nil` allows keyword mode only.
    public init(store: any RetrievalStore, embedder: (any PassageEmbedder)?) {
        self.store = store
        self.embedder = embedder
    }

    /// Lists the collections again for ``catalogued(_:)``; the server calls it before loading policies.
    public func refreshCatalog() async throws {
        let collections = try await store.collections()
        catalog.withLock { $0 = Dictionary(collections.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }
    }

    /// The collection named `name` as of the last ``refreshCatalog()``.
    ///
    /// - Throws: when the collections were never listed (the database was unreachable), so that a
    ///   policy is not rejected for naming a collection that may well exist.
    public func catalogued(_ name: String) throws -> RetrievalCollection? {
        guard let collections = catalog.withLock({ $0 }) else {
            throw SluiceError(.unavailable, "collections: the collections could not be listed (is the database reachable?)")
        }
        return collections[name]
    }

    /// The best `limit` passages for `query` across `collections`, best first.
    public func search(
        _ query: String, in collections: [RetrievalCollection], mode: RetrievalMode, limit: Int
    ) async throws
        -> [RetrievedPassage]
    {
        guard limit > 0, !query.isEmpty else { return [] }
        // Rankings run deeper than the result, so fusion sees what one ranking alone would miss.
        let depth = max(limit * 4, 20)
        var keywordRankings: [[(id: Int64, score: Double)]] = []
        var vectorRankings: [[(id: Int64, score: Double)]] = []
        var queryVectors: [String: [Float]] = [:]
        for collection in collections {
            if mode != .vector {
                keywordRankings.append(try await store.keywordMatches(for: query, inCollection: collection.name, limit: depth))
            }
            guard mode != .keyword, let backend = collection.embeddingBackend else {
                if mode == .vector { throw SluiceError.invalidRequest("collection '\(collection.name)' has no embeddings") }
                continue
            }
            let model = collection.embeddingModel ?? backend
            let key = "\(backend)\u{0}\(model)"
            // Collections embedded alike share one query vector.
            let queryVector: [Float]
            if let known = queryVectors[key] {
                queryVector = known
            } else {
                queryVector = try await embedQuery(query, backend: backend, model: model)
                queryVectors[key] = queryVector
            }
            let index = try await vectorIndex(of: collection)
            vectorRankings.append(index.search(queryVector, limit: depth).map { ($0.id, Double($0.score)) })
        }
        let ranked: [(id: Int64, score: Double)] =
            switch mode {
            case .keyword: keywordRankings.flatMap { $0 }.sorted { $0.score > $1.score }
            case .vector: vectorRankings.flatMap { $0 }.sorted { $0.score > $1.score }
            case .hybrid: ReciprocalRankFusion.fuse((keywordRankings + vectorRankings).map { $0.map(\.id) })
            }
        let chosen = Array(ranked.prefix(limit))
        let chunks = Dictionary(
            try await store.chunks(ids: chosen.map(\.id)).compactMap { chunk in chunk.id.map { ($0, chunk) } },
            uniquingKeysWith: { first, _ in first })
        return chosen.compactMap { entry in chunks[entry.id].map { RetrievedPassage(chunk: $0, score: entry.score) } }
    }

    private func embedQuery(_ query: String, backend: String, model: String) async throws -> [Float] {
        guard let embedder else {
            throw SluiceError(.unavailable, "no embedding backend is reachable here for vector retrieval")
        }
        guard let vector = try await embedder.embed([query], backend: backend, model: model).first else {
            throw SluiceError.upstreamFailed("backend '\(backend)' returned no vector for the query")
        }
        return vector
    }

    /// The collection's vectors, from memory unless the collection changed since they were loaded.
    private func vectorIndex(of collection: RetrievalCollection) async throws -> VectorIndex {
        if let cached = indexes.withLock({ $0[collection.name] }), cached.revision == collection.revision {
            return cached.index
        }
        let vectors = try await store.chunkVectors(inCollection: collection.name)
        var index = VectorIndex(dimensions: collection.dimensions ?? vectors.first?.vector.count ?? 0)
        for (id, vector) in vectors { index.add(id: id, vector: vector) }
        indexes.withLock { $0[collection.name] = (collection.revision, index) }
        return index
    }
}
