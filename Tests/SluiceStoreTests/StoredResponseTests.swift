import Foundation
import SluiceStore
import Testing

@Suite struct StoredResponseTests {
    static func response(
        _ id: String, key: String = "key_a", created: Date = referenceDate, lifetime: TimeInterval = 3600
    )
        -> StoredResponse
    {
        StoredResponse(
            id: id, keyID: key, createdAt: created, expiresAt: created.addingTimeInterval(lifetime), inputItems: #"[{"x":1}]"#,
            response: #"{"id":"\#(id)"}"#)
    }

    @Test(arguments: StoreKind.allCases) func onlyTheKeyThatMadeAResponseSeesOrDeletesIt(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, openAnother in
            try await store.storeResponse(Self.response("resp_1"))
            let replica = try await openAnother()
            let found = try await replica.storedResponse(id: "resp_1", keyID: "key_a", now: referenceDate)
            #expect(found == Self.response("resp_1"))
            #expect(try await replica.storedResponse(id: "resp_1", keyID: "key_b", now: referenceDate) == nil)
            #expect(try await replica.deleteStoredResponse(id: "resp_1", keyID: "key_b") == false)
            #expect(try await replica.deleteStoredResponse(id: "resp_1", keyID: "key_a"))
            #expect(try await store.storedResponse(id: "resp_1", keyID: "key_a", now: referenceDate) == nil)
            #expect(try await store.deleteStoredResponse(id: "resp_1", keyID: "key_a") == false)
        }
    }

    @Test(arguments: StoreKind.allCases) func expiredResponsesAreGoneAndRemovedByTheNextStore(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.storeResponse(Self.response("resp_old", lifetime: 60))
            #expect(try await store.storedResponse(id: "resp_old", keyID: "key_a", now: referenceDate.addingTimeInterval(30)) != nil)
            #expect(try await store.storedResponse(id: "resp_old", keyID: "key_a", now: referenceDate.addingTimeInterval(61)) == nil)
            try await store.storeResponse(Self.response("resp_new", created: referenceDate.addingTimeInterval(120)))
            // Removed, not just hidden: even a clock turned back does not find it.
            #expect(try await store.storedResponse(id: "resp_old", keyID: "key_a", now: referenceDate) == nil)
            #expect(try await store.storedResponse(id: "resp_new", keyID: "key_a", now: referenceDate.addingTimeInterval(120)) != nil)
        }
    }
}
