import Foundation
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct KeyAuthenticationTests {
    @Test(arguments: StoreKind.allCases) func currentKeyAuthenticates(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci", policy: "strict")
            let key = try await database.authentication(of: minted.secret).get()
            #expect(key.id == minted.record.id)
            #expect(key.policy == "strict")
        }
    }

    @Test(arguments: StoreKind.allCases) func unknownSecretIsUnknown(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci")
            #expect(try await database.authentication(of: "sk-sluice-" + String(repeating: "x", count: 40)) == .failure(.unknown))
            #expect(try await database.authentication(of: "") == .failure(.unknown))
            #expect(try await database.authentication(of: String(minted.secret.dropLast())) == .failure(.unknown))
            #expect(try await database.authentication(of: minted.secret + " ") == .failure(.unknown))
        }
    }

    @Test(arguments: StoreKind.allCases) func revokedKeyIsRevoked(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci")
            let revoked = try await database.revokeKey("ci", now: referenceDate)
            #expect(revoked.revokedAt == referenceDate)
            #expect(try await database.authentication(of: minted.secret) == .failure(.revoked))
            #expect(try await database.findKey("ci").revokedAt == referenceDate)
        }
    }

    @Test(arguments: StoreKind.allCases) func revocationThroughOneOpenIsSeenByAnother(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { server, openAnother in
            let minted = try await server.createKey(name: "ci")
            #expect(try await server.authentication(of: minted.secret).get().name == "ci")
            // The admin CLI opens the same file while the server runs.
            let cli = try await openAnother()
            try await cli.revokeKey("ci")
            #expect(try await server.authentication(of: minted.secret) == .failure(.revoked))
        }
    }

    @Test(arguments: StoreKind.allCases) func revokingAgainKeepsTheFirstDate(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            _ = try await database.createKey(name: "ci")
            try await database.revokeKey("ci", now: referenceDate)
            try await database.revokeKey("ci", now: referenceDate.addingTimeInterval(3600))
            #expect(try await database.findKey("ci").revokedAt == referenceDate)
        }
    }

    @Test(arguments: StoreKind.allCases) func keyExpiresAtItsExpiryDate(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let expiry = referenceDate.addingTimeInterval(3600)
            let minted = try await database.createKey(name: "ci", expiresAt: expiry, now: referenceDate)
            #expect(try await database.authentication(of: minted.secret, now: expiry.addingTimeInterval(-1)).get().name == "ci")
            #expect(try await database.authentication(of: minted.secret, now: expiry) == .failure(.expired))
            #expect(try await database.authentication(of: minted.secret, now: expiry.addingTimeInterval(86_400)) == .failure(.expired))
        }
    }

    @Test(arguments: StoreKind.allCases) func revokedWinsOverExpired(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci", expiresAt: referenceDate, now: referenceDate)
            try await database.revokeKey("ci")
            #expect(try await database.authentication(of: minted.secret, now: referenceDate.addingTimeInterval(10)) == .failure(.revoked))
        }
    }

    @Test func rejectionsDescribeThemselvesWithoutTheKey() {
        #expect(KeyRejection.unknown.description == "invalid API key")
        #expect(KeyRejection.revoked.description == "API key has been revoked")
        #expect(KeyRejection.expired.description == "API key has expired")
    }

    @Test(arguments: StoreKind.allCases) func keysAuthenticateIndependently(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let first = try await database.createKey(name: "one")
            let second = try await database.createKey(name: "two")
            try await database.revokeKey("one")
            #expect(try await database.authentication(of: first.secret) == .failure(.revoked))
            #expect(try await database.authentication(of: second.secret).get().name == "two")
        }
    }

    @Test(arguments: StoreKind.allCases) func modelGlobsLimitTheKey(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci", models: ["claude-*haiku*", "glm-5.2[1m]"])
            let key = try await database.authentication(of: minted.secret).get()
            #expect(key.allows(model: "claude-3-5-haiku-latest"))
            #expect(key.allows(model: "glm-5.2[1m]"))
            #expect(!key.allows(model: "claude-opus-4-1"))
            #expect(!key.allows(model: "glm-5.2"))
            #expect(!key.allows(model: ""))
        }
    }

    @Test(arguments: StoreKind.allCases) func keyWithoutModelsAllowsEveryModel(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci")
            let key = try await database.authentication(of: minted.secret).get()
            #expect(key.models == [])
            #expect(key.allows(model: "claude-opus-4-1"))
            #expect(key.allows(model: ""))
        }
    }
}

@Suite struct KeyRotationTests {
    @Test(arguments: StoreKind.allCases) func rotationWithoutGraceStopsTheOldKeyAtOnce(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let original = try await database.createKey(name: "ci", now: referenceDate)
            let rotated = try await database.rotateKey("ci", now: referenceDate)

            #expect(rotated.secret != original.secret)
            #expect(rotated.secret.wholeMatch(of: /sk-sluice-[0-9A-Za-z]{40}/) != nil)
            #expect(rotated.record.id == original.record.id)
            #expect(rotated.record.keyPrefix == String(rotated.secret.prefix(14)))
            #expect(try await database.authentication(of: original.secret, now: referenceDate) == .failure(.unknown))
            #expect(try await database.authentication(of: rotated.secret, now: referenceDate).get().id == original.record.id)
            #expect(try await database.findKey("ci").previousKeyExpiresAt == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func rotationWithGraceKeepsTheOldKeyUntilGraceEnds(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let original = try await database.createKey(name: "ci", now: referenceDate)
            let rotated = try await database.rotateKey("ci", grace: .seconds(300), now: referenceDate)
            let graceEnd = referenceDate.addingTimeInterval(300)

            #expect(try await database.findKey("ci").previousKeyExpiresAt == graceEnd)
            #expect(try await database.authentication(of: original.secret, now: referenceDate).get().name == "ci")
            #expect(try await database.authentication(of: original.secret, now: graceEnd.addingTimeInterval(-1)).get().name == "ci")
            #expect(try await database.authentication(of: rotated.secret, now: referenceDate).get().name == "ci")

            #expect(try await database.authentication(of: original.secret, now: graceEnd) == .failure(.expired))
            #expect(try await database.authentication(of: original.secret, now: graceEnd.addingTimeInterval(1)) == .failure(.expired))
            #expect(try await database.authentication(of: rotated.secret, now: graceEnd.addingTimeInterval(1)).get().name == "ci")
        }
    }

    @Test(arguments: StoreKind.allCases) func revokingAfterRotationWithGraceKillsBothKeys(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let original = try await database.createKey(name: "ci", now: referenceDate)
            let rotated = try await database.rotateKey("ci", grace: .seconds(3600), now: referenceDate)
            try await database.revokeKey("ci", now: referenceDate.addingTimeInterval(10))

            let during = referenceDate.addingTimeInterval(20)
            #expect(try await database.authentication(of: original.secret, now: during) == .failure(.unknown))
            #expect(try await database.authentication(of: rotated.secret, now: during) == .failure(.revoked))
            #expect(try await database.findKey("ci").previousKeyExpiresAt == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func secondRotationEndsTheFirstGrace(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let original = try await database.createKey(name: "ci", now: referenceDate)
            let second = try await database.rotateKey("ci", grace: .seconds(3600), now: referenceDate)
            let third = try await database.rotateKey("ci", grace: .seconds(3600), now: referenceDate.addingTimeInterval(1))

            let now = referenceDate.addingTimeInterval(2)
            #expect(try await database.authentication(of: original.secret, now: now) == .failure(.unknown))
            #expect(try await database.authentication(of: second.secret, now: now).get().name == "ci")
            #expect(try await database.authentication(of: third.secret, now: now).get().name == "ci")
        }
    }

    @Test(arguments: StoreKind.allCases) func revokedKeyCannotBeRotated(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            _ = try await database.createKey(name: "ci")
            try await database.revokeKey("ci")
            let error = try await #require(throws: SluiceError.self) { try await database.rotateKey("ci") }
            #expect(error == SluiceError.invalidRequest("key 'ci' is revoked"))
        }
    }

    @Test(arguments: StoreKind.allCases) func rotatingAnUnknownKeyIsNotFound(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let error = try await #require(throws: SluiceError.self) { try await database.rotateKey("ghost") }
            #expect(error.category == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases) func rotationKeepsExpiryAndModels(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let expiry = referenceDate.addingTimeInterval(7200)
            let original = try await database.createKey(name: "ci", models: ["gpt-*"], expiresAt: expiry, now: referenceDate)
            let rotated = try await database.rotateKey("ci", grace: .seconds(60), now: referenceDate)
            let key = try await database.authentication(of: rotated.secret, now: referenceDate).get()
            #expect(key.models == ["gpt-*"])
            #expect(key.expiresAt == expiry)
            #expect(try await database.authentication(of: rotated.secret, now: expiry) == .failure(.expired))
            #expect(try await database.authentication(of: original.secret, now: expiry) == .failure(.expired))
        }
    }
}
