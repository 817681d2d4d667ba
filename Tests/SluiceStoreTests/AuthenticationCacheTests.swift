import Foundation
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct AuthenticationCacheTests {
    @Test func aRevocationIsSeenOnceTheCachedResultIsOlderThanItsMaximumAge() async throws {
        try await withTemporaryDatabaseAsync { database in
            let minted = try database.createKey(name: "alice")
            let cache = AuthenticationCache(database: database, maximumAge: .milliseconds(200))
            let start = ContinuousClock.now
            #expect(try await cache.authenticate(secret: minted.secret, instant: start).map(\.name) == .success("alice"))
            try database.revokeKey("alice")
            // Within the window the cached answer stands; after it, the revocation applies.
            let within = start.advanced(by: .milliseconds(150))
            #expect(try await cache.authenticate(secret: minted.secret, instant: within).map(\.name) == .success("alice"))
            let after = start.advanced(by: .milliseconds(250))
            #expect(try await cache.authenticate(secret: minted.secret, instant: after) == .failure(.revoked))
        }
    }

    @Test func anExpiryPassingIsSeenAtOnceEvenWhenCached() async throws {
        try await withTemporaryDatabaseAsync { database in
            let now = Date()
            let minted = try database.createKey(name: "bob", expiresAt: now.addingTimeInterval(5), now: now)
            let cache = AuthenticationCache(database: database, maximumAge: .seconds(60))
            let fresh = try await cache.authenticate(secret: minted.secret, now: now)
            let later = try await cache.authenticate(secret: minted.secret, now: now.addingTimeInterval(6))
            #expect(fresh.map(\.name) == .success("bob"))
            #expect(later == .failure(.expired))
        }
    }

    @Test func unknownKeysAreRefused() async throws {
        try await withTemporaryDatabaseAsync { database in
            let cache = AuthenticationCache(database: database)
            let outcome = try await cache.authenticate(secret: "sk-sluice-" + String(repeating: "x", count: 40))
            #expect(outcome == .failure(.unknown))
        }
    }
}

/// `withTemporaryDatabase` for async bodies.
private func withTemporaryDatabaseAsync(_ body: (SluiceDatabase) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-auth-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(try SluiceDatabase(path: folder.appendingPathComponent("sluice.sqlite").path))
}
