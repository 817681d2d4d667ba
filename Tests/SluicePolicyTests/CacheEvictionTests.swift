import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

@Suite struct CacheEvictionTests {
    let clock = PolicyTestClock()

    /// A response of about `size` bytes once stored.
    private func answer(_ letter: Character, size: Int = 1000) -> ChatResponse {
        CacheFixtures.text(String(repeating: letter, count: size))
    }

    /// Stores answers A, B in that order, uses A, then stores C: B is the least recently used.
    private func fillPastTheBound(_ harness: CacheHarness) async throws {
        for letter in ["A", "B"] {
            try await harness.run(CacheFixtures.request(letter), answer: answer(Character(letter)))
            clock.advance(by: 1)
        }
        #expect(try await harness.run(CacheFixtures.request("A")).hit != nil)
        clock.advance(by: 1)
        try await harness.run(CacheFixtures.request("C"), answer: answer("C"))
        clock.advance(by: 1)
    }

    private func expectOnlyAAndC(_ harness: CacheHarness) async throws {
        #expect(try await harness.run(CacheFixtures.request("B")).hit == nil)
        #expect(try await harness.run(CacheFixtures.request("A")).hit?.content == answer("A").content)
        #expect(try await harness.run(CacheFixtures.request("C")).hit?.content == answer("C").content)
    }

    @Test(arguments: [["max_entries": 2] as JSONValue, ["max_bytes": 2600]])
    func leastRecentlyUsedEntryIsEvicted(bound: JSONValue) async throws {
        try await withScratchDatabasePath { path in
            let database = try SQLiteStore(path: path)
            let harness = try CacheHarness(cache: ResponseCache(store: database, now: clock.reading), settings: bound)
            try await fillPastTheBound(harness)
            let totals = try await database.responseCacheTotals()
            #expect(totals.entries == 2)
            #expect(totals.bytes > 2000 && totals.bytes <= 2600)

            // What the memory front says, the database says after a restart.
            let reopened = try CacheHarness(
                cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading), settings: bound)
            try await expectOnlyAAndC(reopened)
            try await expectOnlyAAndC(harness)
        }
    }

    @Test(arguments: [["max_entries": 2] as JSONValue, ["max_bytes": 2600]])
    func memoryOnlyCacheEvictsTheSame(bound: JSONValue) async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading), settings: bound)
        try await fillPastTheBound(harness)
        try await expectOnlyAAndC(harness)
    }

    @Test func memoryFrontSmallerThanTheStoreFallsBackToTheDatabase() async throws {
        try await withScratchDatabasePath { path in
            let harness = try CacheHarness(
                cache: ResponseCache(store: try SQLiteStore(path: path), memoryEntries: 1, now: clock.reading))
            for letter in ["A", "B", "C"] {
                try await harness.run(CacheFixtures.request(letter), answer: answer(Character(letter)))
            }
            for letter in ["A", "B", "C", "A"] {
                #expect(try await harness.run(CacheFixtures.request(letter)).hit?.content == answer(Character(letter)).content)
            }
        }
    }

    @Test func responseLargerThanTheWholeCacheIsNotStored() async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading), settings: ["max_bytes": 500])
        let run = try await harness.run(CacheFixtures.request(), answer: answer("A"))
        #expect(run.session.actions == ["cache:miss"])
        #expect(try await harness.run(CacheFixtures.request()).hit == nil)
    }

    @Test func expiredEntriesAreRemovedWhenTheNextIsStored() async throws {
        try await withScratchDatabasePath { path in
            let database = try SQLiteStore(path: path)
            let harness = try CacheHarness(cache: ResponseCache(store: database, now: clock.reading), settings: ["ttl": "1m"])
            try await harness.run(CacheFixtures.request("A"), answer: answer("A"))
            clock.advance(by: 120)
            try await harness.run(CacheFixtures.request("B"), answer: answer("B"))
            #expect(try await database.responseCacheTotals().entries == 1)
        }
    }
}
