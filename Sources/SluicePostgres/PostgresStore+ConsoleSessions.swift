public import Foundation
internal import PostgresNIO
public import SluiceStore

extension PostgresStore {
    public func insertConsoleSession(_ session: ConsoleSession, now: Date) async throws {
        let logger = logger
        try await run { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM console_sessions WHERE expires_at < \(now)", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO console_sessions (id_hash, actor, key_id, key_hash, created_at, last_seen_at, expires_at)
                    VALUES (\(session.idHash), \(session.actor), \(session.keyID), \(session.keyHash), \(session.createdAt),
                        \(session.lastSeenAt), \(session.expiresAt))
                    """, logger: logger)
            }
        }
    }

    public func consoleSession(idHash: Data) async throws -> ConsoleSession? {
        try await run { client in
            try await client.query(
                """
                SELECT actor, key_id, key_hash, created_at, last_seen_at, expires_at FROM console_sessions WHERE id_hash = \(idHash)
                """
            ).collect().first.map { row in
                let (actor, keyID, keyHash, createdAt, lastSeenAt, expiresAt) = try row.decode(
                    (String, String?, Data?, Date, Date, Date).self)
                return ConsoleSession(
                    idHash: idHash, actor: actor, keyID: keyID, keyHash: keyHash, createdAt: createdAt, lastSeenAt: lastSeenAt,
                    expiresAt: expiresAt)
            }
        }
    }

    public func touchConsoleSession(idHash: Data, at: Date) async throws {
        try await run { client in
            try await client.query("UPDATE console_sessions SET last_seen_at = \(at) WHERE id_hash = \(idHash)")
        }
    }

    public func deleteConsoleSession(idHash: Data) async throws {
        try await run { client in
            try await client.query("DELETE FROM console_sessions WHERE id_hash = \(idHash)")
        }
    }
}
