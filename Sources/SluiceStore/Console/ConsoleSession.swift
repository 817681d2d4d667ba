public import Foundation
internal import SluiceCore
internal import SluiceCrypto

/// A signed-in admin's session in the console, as stored: the browser holds the secret in a
/// cookie, the database only its SHA-256.
public struct ConsoleSession: Sendable, Hashable {
    public var idHash: Data
    /// The admin's name, which the audit log records for the session's changes.
    public var actor: String
    /// The admin key signed in with; `nil` for single sign-on.
    public var keyID: String?
    /// That key's secret hash at sign-in: once the key is rotated (and the grace window is over)
    /// the session ends with the old secret.
    public var keyHash: Data?
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The end of the session's absolute lifetime.
    public var expiresAt: Date

    public init(
        idHash: Data, actor: String, keyID: String?, keyHash: Data?, createdAt: Date, lastSeenAt: Date, expiresAt: Date
    ) {
        self.idHash = idHash
        self.actor = actor
        self.keyID = keyID
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }

    /// Why this session may not be used at `now`, or `nil` when it may.
    ///
    /// - Parameters:
    ///   - idleTimeout: a session unused this long has ended.
    ///   - key: the admin key the session was made with, as stored now (`nil` when it is gone);
    ///     ignored for single sign-on sessions.
    public func rejection(now: Date, idleTimeout: Duration, key: APIKey?) -> ConsoleSessionRejection? {
        if now >= expiresAt { return .expired }
        if now.timeIntervalSince(lastSeenAt) >= idleTimeout.timeInterval { return .idle }
        guard let keyID else { return nil }
        guard let key, key.id == keyID, key.revokedAt == nil else { return .keyRevoked }
        if let keyExpiry = key.expiresAt, keyExpiry <= now { return .keyRevoked }
        guard key.role == .admin else { return .notAnAdmin }
        guard let keyHash else { return .keyRevoked }
        if key.keyHash == keyHash { return nil }
        if key.previousKeyHash == keyHash, let until = key.previousKeyExpiresAt, now < until { return nil }
        return .keyRotated
    }

    /// The CSRF token of the session whose cookie holds `secret`: derived, so no replica needs to
    /// store it, and unguessable without the cookie, which scripts cannot read.
    public static func csrfToken(forSecret secret: String) -> String {
        SHA256.hexDigest(of: SHA256.digest("sluice-console-csrf\u{0}" + secret))
    }

    /// Whether `presented` is the CSRF token of the session whose cookie holds `secret`, compared in constant time.
    public static func csrfTokenMatches(_ presented: String, secret: String) -> Bool {
        SHA256.constantTimeEquals(SHA256.digest(presented), SHA256.digest(csrfToken(forSecret: secret)))
    }
}

/// Why a console session was refused. The descriptions are safe to show and to log.
public enum ConsoleSessionRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case unknown
    case expired
    case idle
    case keyRevoked
    case keyRotated
    case notAnAdmin

    public var description: String {
        switch self {
        case .unknown: "not signed in"
        case .expired: "the session has expired: sign in again"
        case .idle: "the session ended after a time unused: sign in again"
        case .keyRevoked: "the admin key this session was signed in with has been revoked or has expired"
        case .keyRotated: "the admin key this session was signed in with has been rotated: sign in again"
        case .notAnAdmin: "the key this session was signed in with is no longer an admin key"
        }
    }
}
