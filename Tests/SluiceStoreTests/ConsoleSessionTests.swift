import Foundation
import SluiceCrypto
import SluiceStore
import Testing

@Suite struct ConsoleSessionTests {
    static let day = Duration.seconds(24 * 3600)
    static let hour = Duration.seconds(3600)

    @Test(arguments: StoreKind.allCases) func aSessionIsFoundByItsSecretOnAnyReplicaAndEndsAtLogout(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, openAnother in
            let admin = try await store.createKey(name: "root", role: .admin, now: referenceDate)
            let started = try await store.startConsoleSession(
                with: .adminKey(admin.record, secret: admin.secret), lifetime: Self.day, now: referenceDate)
            let replica = try await openAnother()
            let found = try await replica.consoleSession(secret: started.secret, idleTimeout: Self.hour, now: referenceDate)
            #expect(try found.get().actor == "root")
            #expect(try found.get().keyID == admin.record.id)
            #expect(
                try await replica.consoleSession(secret: started.secret + "x", idleTimeout: Self.hour, now: referenceDate)
                    == .failure(.unknown))
            try await replica.endConsoleSession(secret: started.secret)
            #expect(
                try await store.consoleSession(secret: started.secret, idleTimeout: Self.hour, now: referenceDate) == .failure(.unknown))
        }
    }

    @Test(arguments: StoreKind.allCases) func onlyTheSecretsHashIsStored(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let started = try await store.startConsoleSession(
                with: .singleSignOn(name: "ada@example.com"), lifetime: Self.day, now: referenceDate)
            let stored = try #require(try await store.consoleSession(idHash: Data(SHA256.digest(started.secret))))
            #expect(stored.idHash != Data(started.secret.utf8))
            #expect(stored.keyID == nil)
            #expect(started.secret.count > 40)
        }
    }

    @Test(arguments: StoreKind.allCases) func sessionsEndWhenIdleOrPastTheirLifetimeAndUseKeepsThemAlive(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let started = try await store.startConsoleSession(
                with: .singleSignOn(name: "a"), lifetime: .seconds(3 * 3600), now: referenceDate)
            // Used every 50 minutes, an hour's idle timeout never strikes...
            for step in 1...3 {
                let now = referenceDate.addingTimeInterval(Double(step) * 3000)
                #expect(try await store.consoleSession(secret: started.secret, idleTimeout: Self.hour, now: now).get().actor == "a")
            }
            // ...but the absolute lifetime does.
            let late = referenceDate.addingTimeInterval(3 * 3600)
            #expect(try await store.consoleSession(secret: started.secret, idleTimeout: Self.hour, now: late) == .failure(.expired))

            let idle = try await store.startConsoleSession(with: .singleSignOn(name: "b"), lifetime: Self.day, now: referenceDate)
            let afterAnHour = referenceDate.addingTimeInterval(3600)
            #expect(try await store.consoleSession(secret: idle.secret, idleTimeout: Self.hour, now: afterAnHour) == .failure(.idle))
            // Refused once, removed: it does not come back.
            #expect(try await store.consoleSession(secret: idle.secret, idleTimeout: Self.day, now: referenceDate) == .failure(.unknown))
        }
    }

    @Test(arguments: StoreKind.allCases) func revokingOrRotatingTheAdminKeyEndsItsSessions(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let revoked = try await store.createKey(name: "revoked", role: .admin, now: referenceDate)
            let revokedSession = try await store.startConsoleSession(
                with: .adminKey(revoked.record, secret: revoked.secret), lifetime: Self.day, now: referenceDate)
            try await store.revokeKey("revoked", now: referenceDate)
            #expect(
                try await store.consoleSession(secret: revokedSession.secret, idleTimeout: Self.hour, now: referenceDate)
                    == .failure(.keyRevoked))

            let rotated = try await store.createKey(name: "rotated", role: .admin, now: referenceDate)
            let rotatedSession = try await store.startConsoleSession(
                with: .adminKey(rotated.record, secret: rotated.secret), lifetime: Self.day, now: referenceDate)
            _ = try await store.rotateKey("rotated", grace: .seconds(600), now: referenceDate)
            // Within the grace window the old secret still works, and so does its session.
            let inGrace = referenceDate.addingTimeInterval(300)
            #expect(
                try await store.consoleSession(secret: rotatedSession.secret, idleTimeout: Self.hour, now: inGrace).get().actor == "rotated"
            )
            let afterGrace = referenceDate.addingTimeInterval(900)
            #expect(
                try await store.consoleSession(secret: rotatedSession.secret, idleTimeout: Self.hour, now: afterGrace)
                    == .failure(.keyRotated))

            // A key that is no longer an admin key signs nobody in.
            let demoted = try await store.createKey(name: "demoted", role: .admin, now: referenceDate)
            let demotedSession = try await store.startConsoleSession(
                with: .adminKey(demoted.record, secret: demoted.secret), lifetime: Self.day, now: referenceDate)
            var record = try await store.findKey("demoted")
            record.role = .user
            try await store.updateKey(record)
            #expect(
                try await store.consoleSession(secret: demotedSession.secret, idleTimeout: Self.hour, now: referenceDate)
                    == .failure(.notAnAdmin))
        }
    }

    @Test func theCSRFTokenIsDerivedFromTheSessionAndComparedWhole() {
        let token = ConsoleSession.csrfToken(forSecret: "sluice_cs_one")
        #expect(token != ConsoleSession.csrfToken(forSecret: "sluice_cs_two"))
        #expect(!token.contains("sluice_cs_one"))
        #expect(ConsoleSession.csrfTokenMatches(token, secret: "sluice_cs_one"))
        #expect(!ConsoleSession.csrfTokenMatches(token, secret: "sluice_cs_two"))
        #expect(!ConsoleSession.csrfTokenMatches(String(token.dropLast()), secret: "sluice_cs_one"))
        #expect(!ConsoleSession.csrfTokenMatches("", secret: "sluice_cs_one"))
    }
}
