import Foundation
import GRDB
import SluiceCore
import SluiceCrypto
import Testing

@testable import SluiceStore

@Suite struct KeyCreationTests {
    @Test(arguments: StoreKind.allCases) func secretHasTheDocumentedFormat(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "laptop")
            #expect(minted.secret.wholeMatch(of: /sk-sluice-[0-9A-Za-z]{40}/) != nil)
            #expect(minted.record.keyPrefix == String(minted.secret.prefix(14)))
            #expect(minted.record.id.wholeMatch(of: /key_[0-9A-Za-z]{16}/) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func twoKeysDiffer(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let first = try await database.createKey(name: "one")
            let second = try await database.createKey(name: "two")
            #expect(first.secret != second.secret)
            #expect(first.record.id != second.record.id)
        }
    }

    @Test func storedRowHoldsNoPlaintextKey() async throws {
        try await withTemporaryDatabase { database, path in
            let minted = try await database.createKey(name: "ci", policy: "strict", models: ["claude-*"])
            let secret = minted.secret
            let base62 = String(secret.dropFirst(APIKey.secretPrefix.count))
            #expect(base62.count == 40)

            let rows = try rawRows(at: path, "SELECT * FROM api_keys")
            #expect(rows.count == 1)
            for (column, value) in try #require(rows.first) {
                switch value.storage {
                case .string(let text):
                    #expect(!text.contains(secret), "column \(column)")
                    #expect(!text.contains(base62), "column \(column)")
                case .blob(let data):
                    #expect(data.range(of: Data(secret.utf8)) == nil, "column \(column)")
                    #expect(data.range(of: Data(base62.utf8)) == nil, "column \(column)")
                case .null, .int64, .double:
                    break
                }
            }
        }
    }

    @Test func storedHashIsTheSHA256OfTheKey() async throws {
        try await withTemporaryDatabase { database, path in
            let minted = try await database.createKey(name: "ci")
            let row = try #require(try rawRows(at: path, "SELECT key_hash, key_prefix FROM api_keys").first)
            let hash: Data = row["key_hash"]
            #expect(hash.count == 32)
            #expect(hash == Data(SHA256.digest(minted.secret)))
            #expect(row["key_prefix"] as String == String(minted.secret.prefix(14)))
        }
    }

    @Test(arguments: StoreKind.allCases) func mintedRecordCarriesNoHash(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let minted = try await database.createKey(name: "ci")
            #expect(minted.record.keyHash.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func recordKeepsWhatWasAsked(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let expiry = referenceDate.addingTimeInterval(86_400)
            let minted = try await database.createKey(
                name: "ci", policy: "strict", models: ["claude-*", "glm-5.2[1m]"], expiresAt: expiry, now: referenceDate)
            let stored = try await database.findKey("ci")
            #expect(stored.id == minted.record.id)
            #expect(stored.name == "ci")
            #expect(stored.policy == "strict")
            #expect(stored.models == ["claude-*", "glm-5.2[1m]"])
            #expect(stored.expiresAt == expiry)
            #expect(stored.createdAt == referenceDate)
            #expect(stored.revokedAt == nil)
            #expect(stored.lastUsedAt == nil)
            #expect(stored.previousKeyExpiresAt == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func duplicateNameIsAnInvalidRequest(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            _ = try await database.createKey(name: "ci")
            let error = try await #require(throws: SluiceError.self) { try await database.createKey(name: "ci") }
            #expect(error == SluiceError.invalidRequest("a key named 'ci' already exists"))
            #expect(try await database.listKeys().count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases) func hasKeysOnceOneExists(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            #expect(try await database.hasKeys() == false)
            _ = try await database.createKey(name: "ci")
            #expect(try await database.hasKeys())
            try await database.revokeKey("ci")
            #expect(try await database.hasKeys())
        }
    }

    @Test(arguments: StoreKind.allCases) func limitsBeyondThirtyTwoBitsAreKept(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            let limits = KeyLimits(requestsPerMinute: 100_000_000, tokensPerMinute: 100_000_000_000, concurrency: 10_000)
            _ = try await database.createKey(name: "bench", limits: limits)
            let stored = try await database.findKey("bench")
            #expect(stored.requestsPerMinute == 100_000_000)
            #expect(stored.tokensPerMinute == 100_000_000_000)
            #expect(stored.concurrency == 10_000)
        }
    }
}
