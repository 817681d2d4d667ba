public import Foundation
internal import GRDB

extension SQLiteStore {
    public func storeResponse(_ response: StoredResponse) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM stored_responses WHERE expires_at < ?", arguments: [response.createdAt])
            try db.execute(
                sql: """
                    INSERT INTO stored_responses (id, key_id, created_at, expires_at, input_items, response)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    response.id, response.keyID, response.createdAt, response.expiresAt, response.inputItems, response.response,
                ])
        }
    }

    public func storedResponse(id: String, keyID: String, now: Date) async throws -> StoredResponse? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT created_at, expires_at, input_items, response FROM stored_responses
                    WHERE id = ? AND key_id = ? AND expires_at > ?
                    """,
                arguments: [id, keyID, now]
            ).map { row in
                StoredResponse(
                    id: id, keyID: keyID, createdAt: row["created_at"], expiresAt: row["expires_at"], inputItems: row["input_items"],
                    response: row["response"])
            }
        }
    }

    public func deleteStoredResponse(id: String, keyID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM stored_responses WHERE id = ? AND key_id = ?", arguments: [id, keyID])
            return db.changesCount > 0
        }
    }
}
