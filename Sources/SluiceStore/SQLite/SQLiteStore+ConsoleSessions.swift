public import Foundation
internal import GRDB

extension SQLiteStore {
    public func insertConsoleSession(_ session: ConsoleSession, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: """
                    INSERT INTO console_sessions (id_hash, actor, key_id, key_hash, created_at, last_seen_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.idHash, session.actor, session.keyID, session.keyHash, session.createdAt, session.lastSeenAt,
                    session.expiresAt,
                ])
        }
    }

    public func consoleSession(idHash: Data) async throws -> ConsoleSession? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT actor, key_id, key_hash, created_at, last_seen_at, expires_at FROM console_sessions WHERE id_hash = ?
                    """,
                arguments: [idHash]
            ).map { row in
                ConsoleSession(
                    idHash: idHash, actor: row["actor"], keyID: row["key_id"], keyHash: row["key_hash"], createdAt: row["created_at"],
                    lastSeenAt: row["last_seen_at"], expiresAt: row["expires_at"])
            }
        }
    }

    public func touchConsoleSession(idHash: Data, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?", arguments: [at, idHash])
        }
    }

    public func deleteConsoleSession(idHash: Data) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE id_hash = ?", arguments: [idHash])
        }
    }
}
