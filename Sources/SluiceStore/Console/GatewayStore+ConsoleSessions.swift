public import Foundation
internal import SluiceCore
internal import SluiceCrypto

/// A console session just started: the record, and the secret for the browser's cookie, which is
/// never stored.
public struct StartedConsoleSession: Sendable {
    public let session: ConsoleSession
    public let secret: String
    /// The token every state-changing request of the session must carry.
    public var csrfToken: String { ConsoleSession.csrfToken(forSecret: secret) }
}

extension GatewayStore {
    /// Starts a session: its secret is 43 base62 characters from the system's CSPRNG (about 256 bits).
    public func startConsoleSession(
        with credential: ConsoleCredential, lifetime: Duration, now: Date = Date()
    ) async throws
        -> StartedConsoleSession
    {
        let secret = "sluice_cs_" + Identifiers.base62(count: 43)
        let actor: String
        var keyID: String?
        var keyHash: Data?
        switch credential {
        case .adminKey(let key, let presented):
            actor = key.name
            keyID = key.id
            keyHash = Data(SHA256.digest(presented))
        case .singleSignOn(let name):
            actor = name
        }
        let session = ConsoleSession(
            idHash: Data(SHA256.digest(secret)), actor: actor, keyID: keyID, keyHash: keyHash, createdAt: now, lastSeenAt: now,
            expiresAt: now.addingTimeInterval(lifetime.timeInterval))
        try await insertConsoleSession(session, now: now)
        return StartedConsoleSession(session: session, secret: secret)
    }

    /// The session whose cookie holds `secret`, if it may be used now; its last use is recorded
    /// (at most once a minute, so a busy page does not write on every request).
    public func consoleSession(
        secret: String, idleTimeout: Duration, now: Date = Date()
    ) async throws
        -> Result<ConsoleSession, ConsoleSessionRejection>
    {
        let hash = SHA256.digest(secret)
        guard let session = try await consoleSession(idHash: Data(hash)) else { return .failure(.unknown) }
        let key = try await session.keyID.asyncMap { try await self.key(idOrName: $0) }
        if let rejection = session.rejection(now: now, idleTimeout: idleTimeout, key: key ?? nil) {
            try await deleteConsoleSession(idHash: session.idHash)
            return .failure(rejection)
        }
        if now.timeIntervalSince(session.lastSeenAt) >= 60 {
            try await touchConsoleSession(idHash: session.idHash, at: now)
        }
        return .success(session)
    }

    /// Ends the session whose cookie holds `secret` (signing out); nothing when there is none.
    public func endConsoleSession(secret: String) async throws {
        try await deleteConsoleSession(idHash: Data(SHA256.digest(secret)))
    }
}

extension Optional {
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
