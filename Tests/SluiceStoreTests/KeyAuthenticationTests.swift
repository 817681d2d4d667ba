import Foundation
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct KeyAuthenticationTests {
    @Test func currentKeyAuthenticates() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci", policy: "strict")
            let key = try database.authenticate(secret: minted.secret).get()
            #expect(key.id == minted.record.id)
            #expect(key.policy == "strict")
        }
    }

    @Test func unknownSecretIsUnknown() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci")
            #expect(try database.authenticate(secret: "sk-sluice-" + String(repeating: "x", count: 40)) == .failure(.unknown))
            #expect(try database.authenticate(secret: "") == .failure(.unknown))
            #expect(try database.authenticate(secret: String(minted.secret.dropLast())) == .failure(.unknown))
            #expect(try database.authenticate(secret: minted.secret + " ") == .failure(.unknown))
        }
    }

    @Test func revokedKeyIsRevoked() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci")
            let revoked = try database.revokeKey("ci", now: referenceDate)
            #expect(revoked.revokedAt == referenceDate)
            #expect(try database.authenticate(secret: minted.secret) == .failure(.revoked))
            #expect(try database.findKey("ci").revokedAt == referenceDate)
        }
    }

    @Test func revocationThroughOneOpenIsSeenByAnother() throws {
        try withTemporaryDatabase { server, path in
            let minted = try server.createKey(name: "ci")
            #expect(try server.authenticate(secret: minted.secret).get().name == "ci")
            // The admin CLI opens the same file while the server runs.
            let cli = try SluiceDatabase(path: path)
            try cli.revokeKey("ci")
            #expect(try server.authenticate(secret: minted.secret) == .failure(.revoked))
        }
    }

    @Test func revokingAgainKeepsTheFirstDate() throws {
        try withTemporaryDatabase { database, _ in
            _ = try database.createKey(name: "ci")
            try database.revokeKey("ci", now: referenceDate)
            try database.revokeKey("ci", now: referenceDate.addingTimeInterval(3600))
            #expect(try database.findKey("ci").revokedAt == referenceDate)
        }
    }

    @Test func keyExpiresAtItsExpiryDate() throws {
        try withTemporaryDatabase { database, _ in
            let expiry = referenceDate.addingTimeInterval(3600)
            let minted = try database.createKey(name: "ci", expiresAt: expiry, now: referenceDate)
            #expect(try database.authenticate(secret: minted.secret, now: expiry.addingTimeInterval(-1)).get().name == "ci")
            #expect(try database.authenticate(secret: minted.secret, now: expiry) == .failure(.expired))
            #expect(try database.authenticate(secret: minted.secret, now: expiry.addingTimeInterval(86_400)) == .failure(.expired))
        }
    }

    @Test func revokedWinsOverExpired() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci", expiresAt: referenceDate, now: referenceDate)
            try database.revokeKey("ci")
            #expect(try database.authenticate(secret: minted.secret, now: referenceDate.addingTimeInterval(10)) == .failure(.revoked))
        }
    }

    @Test func rejectionsDescribeThemselvesWithoutTheKey() {
        #expect(KeyRejection.unknown.description == "invalid API key")
        #expect(KeyRejection.revoked.description == "API key has been revoked")
        #expect(KeyRejection.expired.description == "API key has expired")
    }

    @Test func keysAuthenticateIndependently() throws {
        try withTemporaryDatabase { database, _ in
            let first = try database.createKey(name: "one")
            let second = try database.createKey(name: "two")
            try database.revokeKey("one")
            #expect(try database.authenticate(secret: first.secret) == .failure(.revoked))
            #expect(try database.authenticate(secret: second.secret).get().name == "two")
        }
    }

    @Test func modelGlobsLimitTheKey() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci", models: ["claude-*haiku*", "glm-5.2[1m]"])
            let key = try database.authenticate(secret: minted.secret).get()
            #expect(key.allows(model: "claude-3-5-haiku-latest"))
            #expect(key.allows(model: "glm-5.2[1m]"))
            #expect(!key.allows(model: "claude-opus-4-1"))
            #expect(!key.allows(model: "glm-5.2"))
            #expect(!key.allows(model: ""))
        }
    }

    @Test func keyWithoutModelsAllowsEveryModel() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci")
            let key = try database.authenticate(secret: minted.secret).get()
            #expect(key.models == [])
            #expect(key.allows(model: "claude-opus-4-1"))
            #expect(key.allows(model: ""))
        }
    }
}

@Suite struct KeyRotationTests {
    @Test func rotationWithoutGraceStopsTheOldKeyAtOnce() throws {
        try withTemporaryDatabase { database, _ in
            let original = try database.createKey(name: "ci", now: referenceDate)
            let rotated = try database.rotateKey("ci", now: referenceDate)

            #expect(rotated.secret != original.secret)
            #expect(rotated.secret.wholeMatch(of: /sk-sluice-[0-9A-Za-z]{40}/) != nil)
            #expect(rotated.record.id == original.record.id)
            #expect(rotated.record.keyPrefix == String(rotated.secret.prefix(14)))
            #expect(try database.authenticate(secret: original.secret, now: referenceDate) == .failure(.unknown))
            #expect(try database.authenticate(secret: rotated.secret, now: referenceDate).get().id == original.record.id)
            #expect(try database.findKey("ci").previousKeyExpiresAt == nil)
        }
    }

    @Test func rotationWithGraceKeepsTheOldKeyUntilGraceEnds() throws {
        try withTemporaryDatabase { database, _ in
            let original = try database.createKey(name: "ci", now: referenceDate)
            let rotated = try database.rotateKey("ci", grace: .seconds(300), now: referenceDate)
            let graceEnd = referenceDate.addingTimeInterval(300)

            #expect(try database.findKey("ci").previousKeyExpiresAt == graceEnd)
            #expect(try database.authenticate(secret: original.secret, now: referenceDate).get().name == "ci")
            #expect(try database.authenticate(secret: original.secret, now: graceEnd.addingTimeInterval(-1)).get().name == "ci")
            #expect(try database.authenticate(secret: rotated.secret, now: referenceDate).get().name == "ci")

            #expect(try database.authenticate(secret: original.secret, now: graceEnd) == .failure(.expired))
            #expect(try database.authenticate(secret: original.secret, now: graceEnd.addingTimeInterval(1)) == .failure(.expired))
            #expect(try database.authenticate(secret: rotated.secret, now: graceEnd.addingTimeInterval(1)).get().name == "ci")
        }
    }

    @Test func revokingAfterRotationWithGraceKillsBothKeys() throws {
        try withTemporaryDatabase { database, _ in
            let original = try database.createKey(name: "ci", now: referenceDate)
            let rotated = try database.rotateKey("ci", grace: .seconds(3600), now: referenceDate)
            try database.revokeKey("ci", now: referenceDate.addingTimeInterval(10))

            let during = referenceDate.addingTimeInterval(20)
            #expect(try database.authenticate(secret: original.secret, now: during) == .failure(.unknown))
            #expect(try database.authenticate(secret: rotated.secret, now: during) == .failure(.revoked))
            #expect(try database.findKey("ci").previousKeyExpiresAt == nil)
        }
    }

    @Test func secondRotationEndsTheFirstGrace() throws {
        try withTemporaryDatabase { database, _ in
            let original = try database.createKey(name: "ci", now: referenceDate)
            let second = try database.rotateKey("ci", grace: .seconds(3600), now: referenceDate)
            let third = try database.rotateKey("ci", grace: .seconds(3600), now: referenceDate.addingTimeInterval(1))

            let now = referenceDate.addingTimeInterval(2)
            #expect(try database.authenticate(secret: original.secret, now: now) == .failure(.unknown))
            #expect(try database.authenticate(secret: second.secret, now: now).get().name == "ci")
            #expect(try database.authenticate(secret: third.secret, now: now).get().name == "ci")
        }
    }

    @Test func revokedKeyCannotBeRotated() throws {
        try withTemporaryDatabase { database, _ in
            _ = try database.createKey(name: "ci")
            try database.revokeKey("ci")
            let error = try #require(throws: SluiceError.self) { try database.rotateKey("ci") }
            #expect(error == SluiceError.invalidRequest("key 'ci' is revoked"))
        }
    }

    @Test func rotatingAnUnknownKeyIsNotFound() throws {
        try withTemporaryDatabase { database, _ in
            let error = try #require(throws: SluiceError.self) { try database.rotateKey("ghost") }
            #expect(error.category == .notFound)
        }
    }

    @Test func rotationKeepsExpiryAndModels() throws {
        try withTemporaryDatabase { database, _ in
            let expiry = referenceDate.addingTimeInterval(7200)
            let original = try database.createKey(name: "ci", models: ["gpt-*"], expiresAt: expiry, now: referenceDate)
            let rotated = try database.rotateKey("ci", grace: .seconds(60), now: referenceDate)
            let key = try database.authenticate(secret: rotated.secret, now: referenceDate).get()
            #expect(key.models == ["gpt-*"])
            #expect(key.expiresAt == expiry)
            #expect(try database.authenticate(secret: rotated.secret, now: expiry) == .failure(.expired))
            #expect(try database.authenticate(secret: original.secret, now: expiry) == .failure(.expired))
        }
    }
}
