import Foundation
import GRDB
import SluiceCore
import Testing

@testable import SluiceStore

@Suite struct KeyLookupTests {
    @Test func findKeyByNameOrID() throws {
        try withTemporaryDatabase { database, _ in
            let minted = try database.createKey(name: "ci")
            _ = try database.createKey(name: "other")
            #expect(try database.findKey("ci").id == minted.record.id)
            #expect(try database.findKey(minted.record.id).name == "ci")
        }
    }

    @Test func findUnknownKeyIsNotFound() throws {
        try withTemporaryDatabase { database, _ in
            _ = try database.createKey(name: "ci")
            let error = try #require(throws: SluiceError.self) { try database.findKey("ghost") }
            #expect(error == SluiceError.notFound("no key named 'ghost'"))
            #expect(error.httpStatus == 404)
            #expect(throws: SluiceError.self) { try database.revokeKey("ghost") }
        }
    }

    @Test func listKeysOrdersByCreationThenName() throws {
        try withTemporaryDatabase { database, _ in
            _ = try database.createKey(name: "b", now: referenceDate)
            _ = try database.createKey(name: "a", now: referenceDate)
            _ = try database.createKey(name: "c", now: referenceDate.addingTimeInterval(-60))
            _ = try database.createKey(name: "d", now: referenceDate.addingTimeInterval(60))
            #expect(try database.listKeys().map(\.name) == ["c", "a", "b", "d"])
        }
    }

    @Test func listKeysIncludesRevokedKeys() throws {
        try withTemporaryDatabase { database, _ in
            #expect(try database.listKeys().isEmpty)
            _ = try database.createKey(name: "ci", now: referenceDate)
            try database.revokeKey("ci", now: referenceDate)
            #expect(try database.listKeys().map(\.revokedAt) == [referenceDate])
        }
    }

    @Test func recordUseWritesAtMostOncePerMinute() throws {
        try withTemporaryDatabase { database, _ in
            let key = try database.createKey(name: "ci", now: referenceDate).record
            database.recordUse(of: key, now: referenceDate)
            try database.waitForQueuedWrites()
            #expect(try database.findKey("ci").lastUsedAt == referenceDate)

            database.recordUse(of: key, now: referenceDate.addingTimeInterval(10))
            try database.waitForQueuedWrites()
            #expect(try database.findKey("ci").lastUsedAt == referenceDate)

            database.recordUse(of: key, now: referenceDate.addingTimeInterval(61))
            try database.waitForQueuedWrites()
            #expect(try database.findKey("ci").lastUsedAt == referenceDate.addingTimeInterval(61))
        }
    }

    @Test func recordUseThrottlesEachKeySeparately() throws {
        try withTemporaryDatabase { database, _ in
            let first = try database.createKey(name: "one", now: referenceDate).record
            let second = try database.createKey(name: "two", now: referenceDate).record
            database.recordUse(of: first, now: referenceDate)
            database.recordUse(of: second, now: referenceDate.addingTimeInterval(5))
            try database.waitForQueuedWrites()
            #expect(try database.findKey("one").lastUsedAt == referenceDate)
            #expect(try database.findKey("two").lastUsedAt == referenceDate.addingTimeInterval(5))
        }
    }

    @Test func durationConvertsToSeconds() {
        #expect(Duration.seconds(90).timeInterval == 90)
        #expect(Duration.milliseconds(1500).timeInterval == 1.5)
        #expect(Duration.zero.timeInterval == 0)
    }
}

extension KeyLookupTests {
    @Test func anIDWinsOverAKeyNamedLikeThatID() throws {
        try withTemporaryDatabase { database, _ in
            let alice = try database.createKey(name: "alice")
            let impostor = try database.createKey(name: alice.record.id)
            try database.revokeKey(alice.record.id)
            #expect(try database.authenticate(secret: alice.secret) == .failure(.revoked))
            #expect(try database.authenticate(secret: impostor.secret) == .success(try database.findKey(impostor.record.id)))
        }
    }
}

extension SluiceDatabase {
    /// Returns once the writes queued before it (``recordUse(of:now:)``'s) are done.
    func waitForQueuedWrites() throws {
        try pool.barrierWriteWithoutTransaction { _ in }
    }
}
