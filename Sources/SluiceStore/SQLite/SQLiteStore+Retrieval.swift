internal import Foundation
internal import GRDB
internal import SluiceCore
public import SluicePolicy

extension SQLiteStore {
    public func createCollection(_ collection: RetrievalCollection) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM rag_collections WHERE name = ?", arguments: [collection.name]) == nil else {
                throw SluiceError.invalidRequest("a collection named '\(collection.name)' already exists")
            }
            try db.execute(
                sql: """
                    INSERT INTO rag_collections (name, embedding_backend, embedding_model, dimensions, revision, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 0, ?, ?)
                    """,
                arguments: [
                    collection.name, collection.embeddingBackend, collection.embeddingModel, collection.dimensions, collection.createdAt,
                    collection.updatedAt,
                ])
        }
    }

    public func collection(named name: String) async throws -> RetrievalCollection? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.collectionQuery + " WHERE c.name = ?", arguments: [name]).map(Self.collection)
        }
    }

    public func collections() async throws -> [RetrievalCollection] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.collectionQuery + " ORDER BY c.name").map(Self.collection)
        }
    }

    public func removeCollection(named name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM rag_chunks WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM rag_sources WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM rag_collections WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func sources(inCollection collection: String) async throws -> [RetrievalSource] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.collection, s.path, s.content_hash, s.added_at,
                        (SELECT COUNT(*) FROM rag_chunks k WHERE k.collection = s.collection AND k.source_path = s.path) AS chunks
                    FROM rag_sources s WHERE s.collection = ? ORDER BY s.path
                    """,
                arguments: [collection]
            ).map { row in
                RetrievalSource(
                    collection: row["collection"], path: row["path"], contentHash: row["content_hash"], addedAt: row["added_at"],
                    chunkCount: row["chunks"])
            }
        }
    }

    public func replaceSource(_ source: RetrievalSource, chunks: [RetrievalChunk]) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM rag_chunks WHERE collection = ? AND source_path = ?", arguments: [source.collection, source.path])
            try db.execute(
                sql: """
                    INSERT INTO rag_sources (collection, path, content_hash, added_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (collection, path) DO UPDATE SET content_hash = excluded.content_hash, added_at = excluded.added_at
                    """,
                arguments: [source.collection, source.path, source.contentHash, source.addedAt])
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO rag_chunks (collection, source_path, heading, start_line, end_line, text, vector)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for chunk in chunks {
                try insert.execute(arguments: [
                    source.collection, source.path, chunk.heading, chunk.startLine, chunk.endLine, chunk.text,
                    chunk.vector.map(VectorBlob.data),
                ])
            }
            let dimensions = chunks.lazy.compactMap(\.vector).first?.count
            try db.execute(
                sql: """
                    UPDATE rag_collections SET revision = revision + 1, updated_at = ?, dimensions = COALESCE(dimensions, ?)
                    WHERE name = ?
                    """,
                arguments: [source.addedAt, dimensions, source.collection])
        }
    }

    public func removeSource(path: String, inCollection collection: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM rag_chunks WHERE collection = ? AND source_path = ?", arguments: [collection, path])
            try db.execute(sql: "DELETE FROM rag_sources WHERE collection = ? AND path = ?", arguments: [collection, path])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: "UPDATE rag_collections SET revision = revision + 1, updated_at = ? WHERE name = ?", arguments: [Date(), collection])
            return true
        }
    }

    public func keywordMatches(for query: String, inCollection collection: String, limit: Int) async throws -> [(id: Int64, score: Double)]
    {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await pool.read { db in
            // bm25() is lower for better matches; headings weigh twice the text.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, bm25(rag_chunks_fts, 2.0, 1.0) AS rank FROM rag_chunks_fts
                    JOIN rag_chunks c ON c.id = rag_chunks_fts.rowid
                    WHERE rag_chunks_fts MATCH ? AND c.collection = ?
                    ORDER BY rank LIMIT ?
                    """,
                arguments: [match, collection, limit]
            ).map { row in (row["id"], -(row["rank"] as Double)) }
        }
    }

    public func chunks(ids: [Int64]) async throws -> [RetrievalChunk] {
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM rag_chunks WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
                arguments: StatementArguments(ids)
            ).map(Self.chunk)
        }
    }

    public func chunks(ofSource path: String, inCollection collection: String) async throws -> [RetrievalChunk] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM rag_chunks WHERE collection = ? AND source_path = ? ORDER BY id", arguments: [collection, path]
            ).map(Self.chunk)
        }
    }

    private static func chunk(_ row: Row) -> RetrievalChunk {
        RetrievalChunk(
            id: row["id"], collection: row["collection"], sourcePath: row["source_path"], heading: row["heading"],
            startLine: row["start_line"], endLine: row["end_line"], text: row["text"],
            vector: (row["vector"] as Data?).map(VectorBlob.vector))
    }

    public func chunkVectors(inCollection collection: String) async throws -> [(id: Int64, vector: [Float])] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, vector FROM rag_chunks WHERE collection = ? AND vector IS NOT NULL ORDER BY id",
                arguments: [collection]
            ).map { row in (row["id"], VectorBlob.vector(row["vector"])) }
        }
    }

    private static let collectionQuery = """
        SELECT c.*,
            (SELECT COUNT(*) FROM rag_sources s WHERE s.collection = c.name) AS sources,
            (SELECT COUNT(*) FROM rag_chunks k WHERE k.collection = c.name) AS chunks
        FROM rag_collections c
        """

    private static func collection(_ row: Row) -> RetrievalCollection {
        RetrievalCollection(
            name: row["name"], embeddingBackend: row["embedding_backend"], embeddingModel: row["embedding_model"],
            dimensions: row["dimensions"], revision: row["revision"], createdAt: row["created_at"], updatedAt: row["updated_at"],
            sourceCount: row["sources"], chunkCount: row["chunks"])
    }

    /// The query's words, each quoted (FTS5 syntax in a question would be an error or a trick),
    /// any of them matching: BM25 then ranks passages with more and rarer words first. Stop
    /// words are left out unless the question has nothing else.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split { !$0.isLetter && !$0.isNumber }.prefix(64)
        guard !words.isEmpty else { return nil }
        let telling = words.filter { !EnglishStopWords.words.contains($0.lowercased()) }
        return (telling.isEmpty ? Array(words) : telling).map { "\"\($0)\"" }.joined(separator: " OR ")
    }
}
