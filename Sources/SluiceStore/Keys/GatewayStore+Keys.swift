public import Foundation
internal import SluiceCrypto
public import SluiceCore
public import SluicePolicy

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

extension GatewayStore {
    /// Mints a key: `sk-sluice-` and 40 base62 characters from the system's CSPRNG (about 238 bits).
    ///
    /// - Parameters:
    ///   - team: a team that must exist; its policy and budget apply to the key too.
    ///   - budget: what the key may spend each `budgetPeriod` (monthly by default).
    ///   - role: `.admin` for a key that calls the admin API.
    public func createKey(
        name: String, policy: String? = nil, models: [String] = [], expiresAt: Date? = nil, limits: KeyLimits = KeyLimits(),
        team: String? = nil, budget: USD? = nil, budgetPeriod: BudgetPeriod? = nil, role: KeyRole = .user, now: Date = Date()
    ) async throws -> MintedKey {
        if let team { _ = try await findTeam(team) }
        let secret = KeySecret.new()
        var record = APIKey(
            id: "key_" + Identifiers.base62(count: 16), name: name, keyHash: Data(SHA256.digest(secret)),
            keyPrefix: KeySecret.displayPrefix(of: secret), policy: policy, models: models, expiresAt: expiresAt,
            revokedAt: nil, createdAt: now, lastUsedAt: nil, previousKeyHash: nil, previousKeyExpiresAt: nil,
            requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute, concurrency: limits.concurrency,
            team: team, budgetNanodollars: budget?.nanodollars, budgetPeriod: budget == nil ? nil : budgetPeriod ?? .month,
            role: role)
        try await insertKey(record)
        record.keyHash = Data()
        return MintedKey(record: record, secret: secret)
    }

    /// The key with this name or id.
    public func findKey(_ nameOrID: String) async throws -> APIKey {
        guard let key = try await key(idOrName: nameOrID) else { throw SluiceError.notFound("no key named '\(nameOrID)'") }
        return key
    }

    /// Revokes a key at once, including a rotated-out key still in its grace window.
    @discardableResult
    public func revokeKey(_ nameOrID: String, now: Date = Date()) async throws -> APIKey {
        var key = try await findKey(nameOrID)
        key.revokedAt = key.revokedAt ?? now
        key.previousKeyHash = nil
        key.previousKeyExpiresAt = nil
        try await updateKey(key)
        return key
    }

    /// Replaces a key's secret. The old secret keeps working for `grace`, then stops.
    public func rotateKey(_ nameOrID: String, grace: Duration = .zero, now: Date = Date()) async throws -> MintedKey {
        var key = try await findKey(nameOrID)
        guard key.revokedAt == nil else { throw SluiceError.invalidRequest("key '\(key.name)' is revoked") }
        let secret = KeySecret.new()
        if grace > .zero {
            key.previousKeyHash = key.keyHash
            key.previousKeyExpiresAt = now.addingTimeInterval(grace.timeInterval)
        } else {
            key.previousKeyHash = nil
            key.previousKeyExpiresAt = nil
        }
        key.keyHash = Data(SHA256.digest(secret))
        key.keyPrefix = KeySecret.displayPrefix(of: secret)
        try await updateKey(key)
        return MintedKey(record: key, secret: secret)
    }

    /// The key `secret` belongs to, if it may be used now.
    public func authentication(of secret: String, now: Date = Date()) async throws -> Result<APIKey, KeyRejection> {
        let hash = SHA256.digest(secret)
        return KeySecret.check(hash, against: try await key(hash: hash), now: now)
    }
}

/// Making and checking key secrets, the same on every store.
enum KeySecret {
    static func new() -> String { APIKey.secretPrefix + Identifiers.base62(count: 40) }

    static func displayPrefix(of secret: String) -> String { String(secret.prefix(APIKey.secretPrefix.count + 4)) }

    static func check(_ hash: [UInt8], against candidate: APIKey?, now: Date) -> Result<APIKey, KeyRejection> {
        guard let key = candidate else { return .failure(.unknown) }
        if key.revokedAt != nil { return .failure(.revoked) }
        if let expiresAt = key.expiresAt, expiresAt <= now { return .failure(.expired) }
        if SHA256.constantTimeEquals(hash, [UInt8](key.keyHash)) { return .success(key) }
        // Presented the secret a rotation replaced: valid only within its grace window.
        guard let previous = key.previousKeyHash, SHA256.constantTimeEquals(hash, [UInt8](previous)),
            let until = key.previousKeyExpiresAt, now < until
        else { return .failure(.expired) }
        return .success(key)
    }
}
