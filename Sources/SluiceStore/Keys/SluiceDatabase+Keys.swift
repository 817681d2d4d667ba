public import Foundation
internal import GRDB
public import SluiceCore

/// A key just minted: the record, and the key itself, which is shown once and never stored.
public struct MintedKey: Sendable {
    public let record: APIKey
    public let secret: String
}

/// Why a presented key was refused. The descriptions are safe to show and to log.
public enum KeyRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown
    case revoked
    case expired

    public var description: String {
        switch self {
        case .unknown: "invalid API key"
        case .revoked: "API key has been revoked"
        case .expired: "API key has expired"
        }
    }
}

extension SluiceDatabase {
    /// The prefix of every Sluice key.
    public static let keyPrefix = "sk-sluice-"

    /// Mints a key: `sk-sluice-` and 40 base62 characters from the system's CSPRNG (about 238 bits).
    public func createKey(
        name: String, policy: String? = nil, models: [String] = [], expiresAt: Date? = nil, limits: KeyLimits = KeyLimits(),
        now: Date = Date()
    ) throws -> MintedKey {
        let secret = Self.newSecret()
        var record = APIKey(
            id: "key_" + Identifiers.base62(count: 16), name: name, keyHash: Data(KeyHash.sha256(secret)),
            keyPrefix: Self.displayPrefix(of: secret), policy: policy, models: models, expiresAt: expiresAt,
            revokedAt: nil, createdAt: now, lastUsedAt: nil, previousKeyHash: nil, previousKeyExpiresAt: nil,
            requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute, concurrency: limits.concurrency)
        do {
            try pool.write { db in try record.insert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SluiceError.invalidRequest("a key named '\(name)' already exists")
        }
        record.keyHash = Data()
        return MintedKey(record: record, secret: secret)
    }

    public func listKeys() throws -> [APIKey] {
        try pool.read { db in try APIKey.order(Column("created_at"), Column("name")).fetchAll(db) }
    }

    /// The key with this name or id.
    public func findKey(_ nameOrID: String) throws -> APIKey {
        // An id is unique and unambiguous, so it wins over a key that happens to be named like one.
        let key = try pool.read { db in
            try APIKey.filter(Column("id") == nameOrID).fetchOne(db) ?? APIKey.filter(Column("name") == nameOrID).fetchOne(db)
        }
        guard let key else { throw SluiceError.notFound("no key named '\(nameOrID)'") }
        return key
    }

    /// Revokes a key at once, including a rotated-out key still in its grace window.
    @discardableResult
    public func revokeKey(_ nameOrID: String, now: Date = Date()) throws -> APIKey {
        var key = try findKey(nameOrID)
        key.revokedAt = key.revokedAt ?? now
        key.previousKeyHash = nil
        key.previousKeyExpiresAt = nil
        try pool.write { [key] db in try key.update(db) }
        return key
    }

    /// Replaces a key's secret. The old secret keeps working for `grace`, then stops.
    public func rotateKey(_ nameOrID: String, grace: Duration = .zero, now: Date = Date()) throws -> MintedKey {
        var key = try findKey(nameOrID)
        guard key.revokedAt == nil else { throw SluiceError.invalidRequest("key '\(key.name)' is revoked") }
        let secret = Self.newSecret()
        if grace > .zero {
            key.previousKeyHash = key.keyHash
            key.previousKeyExpiresAt = now.addingTimeInterval(grace.timeInterval)
        } else {
            key.previousKeyHash = nil
            key.previousKeyExpiresAt = nil
        }
        key.keyHash = Data(KeyHash.sha256(secret))
        key.keyPrefix = Self.displayPrefix(of: secret)
        try pool.write { [key] db in try key.update(db) }
        return MintedKey(record: key, secret: secret)
    }

    /// The key `secret` belongs to, if it may be used now.
    public func authenticate(secret: String, now: Date = Date()) throws -> Result<APIKey, KeyRejection> {
        let hash = KeyHash.sha256(secret)
        return Self.check(hash, against: try pool.read { db in try Self.candidate(for: hash, in: db) }, now: now)
    }

    /// ``authenticate(secret:now:)`` for the server: the read runs on GRDB's reader, never blocking
    /// a thread of Swift's cooperative pool.
    public func authentication(of secret: String, now: Date = Date()) async throws -> Result<APIKey, KeyRejection> {
        let hash = KeyHash.sha256(secret)
        return Self.check(hash, against: try await pool.read { db in try Self.candidate(for: hash, in: db) }, now: now)
    }

    private static func candidate(for hash: [UInt8], in db: Database) throws -> APIKey? {
        try APIKey.filter(Column("key_hash") == Data(hash) || Column("previous_key_hash") == Data(hash)).fetchOne(db)
    }

    private static func check(_ hash: [UInt8], against candidate: APIKey?, now: Date) -> Result<APIKey, KeyRejection> {
        guard let key = candidate else { return .failure(.unknown) }
        if key.revokedAt != nil { return .failure(.revoked) }
        if let expiresAt = key.expiresAt, expiresAt <= now { return .failure(.expired) }
        if KeyHash.constantTimeEquals(hash, [UInt8](key.keyHash)) { return .success(key) }
        // Presented the secret a rotation replaced: valid only within its grace window.
        guard let previous = key.previousKeyHash, KeyHash.constantTimeEquals(hash, [UInt8](previous)),
            let until = key.previousKeyExpiresAt, now < until
        else { return .failure(.expired) }
        return .success(key)
    }

    /// Records that a key was used, at most once a minute per key so the hot path rarely writes,
    /// and then without waiting for the write.
    public func recordUse(of key: APIKey, now: Date = Date()) {
        guard lastUsedThrottle.shouldRecord(keyID: key.id, now: now) else { return }
        pool.asyncWrite(
            { db in
                try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now, key.id])
            }, completion: { _, _ in })
    }

    /// Whether any key exists (an empty database gets first-run instructions).
    public func hasKeys() throws -> Bool {
        try pool.read { db in try APIKey.fetchCount(db) > 0 }
    }

    static func newSecret() -> String { keyPrefix + Identifiers.base62(count: 40) }

    static func displayPrefix(of secret: String) -> String { String(secret.prefix(keyPrefix.count + 4)) }
}

extension Duration {
    /// The duration in seconds, as Foundation's dates count.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
