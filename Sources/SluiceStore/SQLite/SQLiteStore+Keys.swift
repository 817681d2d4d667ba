public import Foundation
public import GRDB
internal import SluiceCore

extension APIKey: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "api_keys" }

    // `models` is a JSON array in a TEXT column.
    public static var databaseJSONEncoder: (String) -> JSONEncoder {
        { _ in JSONEncoder() }
    }
}

extension SQLiteStore {
    public func insertKey(_ key: APIKey) async throws {
        do {
            try await pool.write { db in try key.insert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SluiceError.invalidRequest("a key named '\(key.name)' already exists")
        }
    }

    public func updateKey(_ key: APIKey) async throws {
        try await pool.write { db in try key.update(db) }
    }

    public func listKeys() async throws -> [APIKey] {
        try await pool.read { db in try APIKey.order(Column("created_at"), Column("name")).fetchAll(db) }
    }

    public func key(idOrName: String) async throws -> APIKey? {
        // An id is unique and unambiguous, so it wins over a key that happens to be named like one.
        try await pool.read { db in
            try APIKey.filter(Column("id") == idOrName).fetchOne(db) ?? APIKey.filter(Column("name") == idOrName).fetchOne(db)
        }
    }

    public func key(hash: [UInt8]) async throws -> APIKey? {
        try await pool.read { db in
            try APIKey.filter(Column("key_hash") == Data(hash) || Column("previous_key_hash") == Data(hash)).fetchOne(db)
        }
    }

    public func recordUse(of key: APIKey, now: Date) {
        guard lastUsedThrottle.shouldRecord(keyID: key.id, now: now) else { return }
        pool.asyncWrite(
            { db in
                try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now, key.id])
            }, completion: { _, _ in })
    }

    public func hasKeys() async throws -> Bool {
        try await pool.read { db in try APIKey.fetchCount(db) > 0 }
    }
}
