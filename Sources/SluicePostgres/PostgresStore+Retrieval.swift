internal import Foundation
internal import PostgresNIO
internal import SluiceCore
public import SluicePolicy
internal import SluiceStore

extension PostgresStore {
    public func createCollection(_ collection: RetrievalCollection) async throws {
        do {
            try await run { client in
                try await client.query(
                    """
                    INSERT INTO rag_collections (name, embedding_backend, embedding_model, dimensions, revision, created_at, updated_at)
                    VALUES (\(collection.name), \(collection.embeddingBackend), \(collection.embeddingModel), \(collection.dimensions),
                        0, \(collection.createdAt), \(collection.updatedAt))
                    """)
            }
        } catch  where Self.sqlState(of: error) == "23505" {
            throw SluiceError.invalidRequest("a collection named '\(collection.name)' already exists")
        }
    }

    public func collection(named name: String) async throws -> RetrievalCollection? {
        try await run { client in
            try await client.query("\(unescaped: Self.collectionQuery) WHERE c.name = \(name)").collect().first.map(Self.decodeCollection)
        }
    }

    public func collections() async throws -> [RetrievalCollection] {
        try await run { client in
            try await client.query("\(unescaped: Self.collectionQuery) ORDER BY c.name").collect().map(Self.decodeCollection)
        }
    }

    public func removeCollection(named name: String) async throws -> Bool {
        // Sources and passages go with it (ON DELETE CASCADE).
        try await run { client in
            try await client.query("DELETE FROM rag_collections WHERE name = \(name) RETURNING name").collect().count > 0
        }
    }

    public func sources(inCollection collection: String) async throws -> [RetrievalSource] {
        try await run { client in
            try await client.query(
                """
                SELECT s.path, s.content_hash, s.added_at,
                    (SELECT COUNT(*) FROM rag_chunks k WHERE k.collection = s.collection AND k.source_path = s.path)
                FROM rag_sources s WHERE s.collection = \(collection) ORDER BY s.path
                """
            ).collect().map { row in
                let (path, hash, addedAt, chunks) = try row.decode((String, String, Date, Int).self)
                return RetrievalSource(collection: collection, path: path, contentHash: hash, addedAt: addedAt, chunkCount: chunks)
            }
        }
    }

    public func replaceSource(_ source: RetrievalSource, chunks: [RetrievalChunk]) async throws {
        let logger = logger
        let dimensions = chunks.lazy.compactMap(\.vector).first?.count
        try await run { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "DELETE FROM rag_chunks WHERE collection = \(source.collection) AND source_path = \(source.path)", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO rag_sources (collection, path, content_hash, added_at)
                    VALUES (\(source.collection), \(source.path), \(source.contentHash), \(source.addedAt))
                    ON CONFLICT (collection, path) DO UPDATE SET content_hash = excluded.content_hash, added_at = excluded.added_at
                    """, logger: logger)
                for chunk in chunks {
                    try await connection.query(
                        """
                        INSERT INTO rag_chunks (collection, source_path, heading, start_line, end_line, text, vector)
                        VALUES (\(source.collection), \(source.path), \(chunk.heading), \(chunk.startLine), \(chunk.endLine),
                            \(chunk.text), \(chunk.vector.map(VectorBlob.data)))
                        """, logger: logger)
                }
                try await connection.query(
                    """
                    UPDATE rag_collections SET revision = revision + 1, updated_at = \(source.addedAt),
                        dimensions = COALESCE(dimensions, \(dimensions))
                    WHERE name = \(source.collection)
                    """, logger: logger)
            }
        }
    }

    public func removeSource(path: String, inCollection collection: String) async throws -> Bool {
        let logger = logger
        let now = Date()
        return try await run { client in
            try await client.withTransaction(logger: logger) { connection in
                let removed =
                    try await connection.query(
                        "DELETE FROM rag_sources WHERE collection = \(collection) AND path = \(path) RETURNING path", logger: logger
                    ).collect().count > 0
                if removed {
                    try await connection.query(
                        "UPDATE rag_collections SET revision = revision + 1, updated_at = \(now) WHERE name = \(collection)",
                        logger: logger)
                }
                return removed
            }
        }
    }

    public func keywordMatches(for query: String, inCollection collection: String, limit: Int) async throws -> [(id: Int64, score: Double)]
    {
        guard let match = Self.tsQuery(query) else { return [] }
        return try await run { client in
            try await client.query(
                """
                SELECT id, ts_rank(search, q)::float8 FROM rag_chunks, to_tsquery('english', \(match)) AS q
                WHERE collection = \(collection) AND search @@ q
                ORDER BY 2 DESC, id LIMIT \(limit)
                """
            ).collect().map { row in try row.decode((Int64, Double).self) }
        }
    }

    public func chunks(ids: [Int64]) async throws -> [RetrievalChunk] {
        guard !ids.isEmpty else { return [] }
        return try await run { client in
            try await client.query(
                """
                SELECT id, collection, source_path, heading, start_line, end_line, text, vector FROM rag_chunks
                WHERE id = ANY(\(ids))
                """
            ).collect().map(Self.chunk)
        }
    }

    public func chunks(ofSource path: String, inCollection collection: String) async throws -> [RetrievalChunk] {
        try await run(deadline: .seconds(30)) { client in
            try await client.query(
                """
                SELECT id, collection, source_path, heading, start_line, end_line, text, vector FROM rag_chunks
                WHERE collection = \(collection) AND source_path = \(path) ORDER BY id
                """
            ).collect().map(Self.chunk)
        }
    }

    private static func chunk(_ row: PostgresRow) throws -> RetrievalChunk {
        let (id, collection, path, heading, start, end, text, vector) = try row.decode(
            (Int64, String, String, String, Int, Int, String, Data?).self)
        return RetrievalChunk(
            id: id, collection: collection, sourcePath: path, heading: heading, startLine: start, endLine: end, text: text,
            vector: vector.map(VectorBlob.vector))
    }

    public func chunkVectors(inCollection collection: String) async throws -> [(id: Int64, vector: [Float])] {
        try await run(deadline: .seconds(30)) { client in
            try await client.query(
                "SELECT id, vector FROM rag_chunks WHERE collection = \(collection) AND vector IS NOT NULL ORDER BY id"
            ).collect().map { row in
                let (id, vector) = try row.decode((Int64, Data).self)
                return (id, VectorBlob.vector(vector))
            }
        }
    }

    private static let collectionQuery = """
        SELECT c.name, c.embedding_backend, c.embedding_model, c.dimensions, c.revision, c.created_at, c.updated_at,
            (SELECT COUNT(*) FROM rag_sources s WHERE s.collection = c.name),
            (SELECT COUNT(*) FROM rag_chunks k WHERE k.collection = c.name)
        FROM rag_collections c
        """

    private static func decodeCollection(_ row: PostgresRow) throws -> RetrievalCollection {
        let (name, backend, model, dimensions, revision, createdAt, updatedAt, sources, chunks) = try row.decode(
            (String, String?, String?, Int?, Int64, Date, Date, Int, Int).self)
        return RetrievalCollection(
            name: name, embeddingBackend: backend, embeddingModel: model, dimensions: dimensions, revision: revision,
            createdAt: createdAt, updatedAt: updatedAt, sourceCount: sources, chunkCount: chunks)
    }

    /// The query's words joined by `|`: any may match, and ts_rank puts passages with more of
    /// them first (`websearch_to_tsquery` would demand every word of a question). Only letters
    /// and digits pass, so nothing in a question is read as tsquery syntax.
    static func tsQuery(_ text: String) -> String? {
        let words = text.split { !$0.isLetter && !$0.isNumber }.prefix(64)
        return words.isEmpty ? nil : words.joined(separator: " | ")
    }
}
