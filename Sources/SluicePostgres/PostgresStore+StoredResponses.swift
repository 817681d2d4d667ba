public import Foundation
internal import PostgresNIO
public import SluiceStore

extension PostgresStore {
    public func storeResponse(_ response: StoredResponse) async throws {
        let logger = logger
        try await run { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM stored_responses WHERE expires_at < \(response.createdAt)", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO stored_responses (id, key_id, created_at, expires_at, input_items, response)
                    VALUES (\(response.id), \(response.keyID), \(response.createdAt), \(response.expiresAt),
                        \(response.inputItems), \(response.response))
                    """, logger: logger)
            }
        }
    }

    public func storedResponse(id: String, keyID: String, now: Date) async throws -> StoredResponse? {
        try await run { client in
            try await client.query(
                """
                SELECT created_at, expires_at, input_items, response FROM stored_responses
                WHERE id = \(id) AND key_id = \(keyID) AND expires_at > \(now)
                """
            ).collect().first.map { row in
                let (createdAt, expiresAt, inputItems, response) = try row.decode((Date, Date, String, String).self)
                return StoredResponse(
                    id: id, keyID: keyID, createdAt: createdAt, expiresAt: expiresAt, inputItems: inputItems, response: response)
            }
        }
    }

    public func deleteStoredResponse(id: String, keyID: String) async throws -> Bool {
        try await run { client in
            try await client.query("DELETE FROM stored_responses WHERE id = \(id) AND key_id = \(keyID) RETURNING id")
                .collect().count > 0
        }
    }
}
