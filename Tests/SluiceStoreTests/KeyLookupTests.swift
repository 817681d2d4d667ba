import Foundation
import GRDB
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct KeyLookupTests {
    @Test(arguments: StoreKind.allCases) func findKeyByNameOrID(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci")
            _ = try await database.createKey(name: "other")
            #expect(try await database.findKey("ci").id == minted.record.id)
            #expect(try await database.findKey(minted.record.id).name == "ci")
        }
    }

    @Test(arguments: StoreKind.allCases) func findUnknownKeyIsNotFound(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            _ = try await database.createKey(name: "ci")
            let error = try await #require(throws: SluiceError.self) { try await database.findKey("ghost") }
            #expect(error == SluiceError.notFound("no key named 'ghost'"))
            #expect(error.httpStatus == 404)
            await #expect(throws: SluiceError.self) { try await database.revokeKey("ghost") }
        }
    }

    @Test(arguments: StoreKind.allCases) func listKeysOrdersByCreationThenName(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            _ = try await database.createKey(name: "b", now: referenceDate)
            _ = try await database.createKey(name: "a", now: referenceDate)
            _ = try await database.createKey(name: "c", now: referenceDate.addingTimeInterval(-60))
            _ = try await database.createKey(name: "d", now: referenceDate.addingTimeInterval(60))
            #expect(try await database.listKeys().map(\.name) == ["c", "a", "b", "d"])
        }
    }

    @Test(arguments: StoreKind.allCases) func listKeysIncludesRevokedKeys(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            #expect(try await database.listKeys().isEmpty)
            _ = try await database.createKey(name: "ci", now: referenceDate)
            try await database.revokeKey("ci", now: referenceDate)
            #expect(try await database.listKeys().map(\.revokedAt) == [referenceDate])
        }
    }

    @Test func recordUseWritesAtMostOncePerMinute() async throws {
        try await withTemporaryDatabase { database, _ in
            let key = try await database.createKey(name: "ci", now: referenceDate).record
            database.recordUse(of: key, now: referenceDate)
            try database.waitForQueuedWrites()
            #expect(try await database.findKey("ci").lastUsedAt == referenceDate)

            database.recordUse(of: key, now: referenceDate.addingTimeInterval(10))
            try database.waitForQueuedWrites()
            #expect(try await database.findKey("ci").lastUsedAt == referenceDate)

            database.recordUse(of: key, now: referenceDate.addingTimeInterval(61))
            try database.waitForQueuedWrites()
            #expect(try await database.findKey("ci").lastUsedAt == referenceDate.addingTimeInterval(61))
        }
    }

    @Test func recordUseThrottlesEachKeySeparately() async throws {
        try await withTemporaryDatabase { database, _ in
            let first = try await database.createKey(name: "one", now: referenceDate).record
            let second = try await database.createKey(name: "two", now: referenceDate).record
            database.recordUse(of: first, now: referenceDate)
            database.recordUse(of: second, now: referenceDate.addingTimeInterval(5))
            try database.waitForQueuedWrites()
            #expect(try await database.findKey("one").lastUsedAt == referenceDate)
            #expect(try await database.findKey("two").lastUsedAt == referenceDate.addingTimeInterval(5))
        }
    }

    @Test func durationConvertsToSeconds() {
        #expect(Duration.seconds(90).timeInterval == 90)
        #expect(Duration.milliseconds(1500).timeInterval == 1.5)
        #expect(Duration.zero.timeInterval == 0)
    }
}

extension KeyLookupTests {
    @Test func recordUseReachesPostgreSQL() async throws {
        try await withTemporaryStore(.postgres) { database, _ in
            let key = try await database.createKey(name: "ci", now: referenceDate).record
            database.recordUse(of: key, now: referenceDate.addingTimeInterval(5))
            var lastUsed: Date?
            for _ in 0..<100 where lastUsed == nil {
                try await Task.sleep(for: .milliseconds(20))
                lastUsed = try await database.findKey("ci").lastUsedAt
            }
            #expect(lastUsed == referenceDate.addingTimeInterval(5))
        }
    }

    @Test(arguments: StoreKind.allCases) func anIDWinsOverAKeyNamedLikeThatID(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let alice = try await database.createKey(name: "alice")
            let impostor = try await database.createKey(name: alice.record.id)
            try await database.revokeKey(alice.record.id)
            #expect(try await database.authentication(of: alice.secret) == .failure(.revoked))
            #expect(try await database.authentication(of: impostor.secret) == .success(try await database.findKey(impostor.record.id)))
        }
    }
}

extension SQLiteStore {
    /// Returns once the writes queued before it (``recordUse(of:now:)``'s) are done.
    func waitForQueuedWrites() throws {
        try pool.barrierWriteWithoutTransaction { _ in }
    }
}
