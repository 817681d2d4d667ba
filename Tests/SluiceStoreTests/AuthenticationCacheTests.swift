import Foundation
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct AuthenticationCacheTests {
    @Test(arguments: StoreKind.allCases) func aRevocationIsSeenOnceTheCachedResultIsOlderThanItsMaximumAge(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "alice")
            let cache = AuthenticationCache(store: database, maximumAge: .milliseconds(200))
            let start = ContinuousClock.now
            #expect(try await cache.authenticate(secret: minted.secret, instant: start).map(\.name) == .success("alice"))
            try await database.revokeKey("alice")
            // Within the window the cached answer stands; after it, the revocation applies.
            let within = start.advanced(by: .milliseconds(150))
            #expect(try await cache.authenticate(secret: minted.secret, instant: within).map(\.name) == .success("alice"))
            let after = start.advanced(by: .milliseconds(250))
            #expect(try await cache.authenticate(secret: minted.secret, instant: after) == .failure(.revoked))
        }
    }

    @Test(arguments: StoreKind.allCases) func anExpiryPassingIsSeenAtOnceEvenWhenCached(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let now = Date()
            let minted = try await database.createKey(name: "bob", expiresAt: now.addingTimeInterval(5), now: now)
            let cache = AuthenticationCache(store: database, maximumAge: .seconds(60))
            let fresh = try await cache.authenticate(secret: minted.secret, now: now)
            let later = try await cache.authenticate(secret: minted.secret, now: now.addingTimeInterval(6))
            #expect(fresh.map(\.name) == .success("bob"))
            #expect(later == .failure(.expired))
        }
    }

    @Test(arguments: StoreKind.allCases) func unknownKeysAreRefused(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let cache = AuthenticationCache(store: database)
            let outcome = try await cache.authenticate(secret: "sk-sluice-" + String(repeating: "x", count: 40))
            #expect(outcome == .failure(.unknown))
        }
    }
}
