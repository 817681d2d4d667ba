import Foundation
import SluiceStore
import Testing

@Suite struct UsageJournalTests {
    private func record(_ status: Int) -> UsageRecord {
        UsageRecord(
            createdAt: Date(timeIntervalSince1970: 1_764_000_000.25), keyID: "key_1", keyName: "ci", model: "m", backend: nil,
            endpoint: "messages", stream: true, status: status, inputTokens: 12, outputTokens: 7, cacheReadInputTokens: 3,
            cacheHit: false, durationMilliseconds: 1.5, policies: "pii:EMAIL=1 \"quoted\"")
    }

    private func rows(_ store: any GatewayStore) async throws -> [UsageRecord] {
        try await store.usage(afterID: 0, limit: 1000)
    }

    @Test func aLineReadsBackAsTheSameRecord() {
        let original = record(200)
        #expect(UsageRecord(journalLine: original.journalLine.dropLast()) == original)
        #expect(UsageRecord(journalLine: Array(original.journalLine.prefix(20))) == nil)
        var certified = original
        certified.clientCertificate = "CN=alice-laptop,O=Example"
        #expect(UsageRecord(journalLine: certified.journalLine.dropLast()) == certified)
    }

    @Test(arguments: StoreKind.allCases) func rowsNotYetCommittedAreReplayedOnceAtTheNextOpen(kind: StoreKind) async throws {
        try await withJournalFolder { prefix in
            try await withTemporaryStore(kind) { store, _ in
                let (journal, recovered) = try await UsageJournal.open(store: store, prefix: prefix)
                #expect(recovered == 0)
                #expect(journal.append(record(200)))
                #expect(journal.append(record(499)))
                // A crash: the journal is never committed nor closed.
                let (reopened, replayed) = try await UsageJournal.open(store: store, prefix: prefix)
                #expect(replayed == 2)
                #expect(try await rows(store).map(\.status) == [200, 499])
                #expect(try await rows(store).first?.policies == "pii:EMAIL=1 \"quoted\"")
                try await reopened.close()
                #expect(try await UsageJournal.open(store: store, prefix: prefix).recovered == 0)
                #expect(try await rows(store).count == 2)
            }
        }
    }

    @Test(arguments: StoreKind.allCases) func committedRowsAreNotCountedAgainAndATornLastLineIsSkipped(kind: StoreKind) async throws {
        try await withJournalFolder { prefix in
            try await withTemporaryStore(kind) { store, _ in
                let (journal, _) = try await UsageJournal.open(store: store, prefix: prefix)
                #expect(journal.append(record(200)))
                try await journal.commit()
                #expect(journal.append(record(529)))
                // A crash in the middle of a line.
                let folder = (prefix as NSString).deletingLastPathComponent
                let segments = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                    $0.hasPrefix("usage.") && $0 != "usage.id"
                }
                #expect(segments.count == 1)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/" + segments[0]))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(#"{"created_at":1764000000,"endp"#.utf8))
                try handle.close()
                let (_, replayed) = try await UsageJournal.open(store: store, prefix: prefix)
                #expect(replayed == 1)
                #expect(try await rows(store).map(\.status) == [200, 529])
            }
        }
    }

    @Test(arguments: StoreKind.allCases) func anOutageKeepsEveryRowInOrderWithLittleInMemory(kind: StoreKind) async throws {
        try await withJournalFolder { prefix in
            try await withTemporaryStore(kind) { base, _ in
                let store = OutageStore(base)
                let (journal, _) = try await UsageJournal.open(store: store, prefix: prefix, maximumBufferedRows: 10)
                store.down = true
                // Fifty commits' worth of rows while the database is down: each commit fails, the
                // rows wait in their segments, and memory keeps only the newest ten.
                for batch in 0..<50 {
                    for index in 0..<3 { #expect(journal.append(record(1000 + batch * 3 + index))) }
                    await #expect(throws: StoreUnavailable.self) { try await journal.commit() }
                    #expect(journal.backlog <= 10 + 3)
                }
                #expect(try await rows(base).isEmpty)
                store.down = false
                try await journal.commit()
                #expect(try await rows(base).map(\.status) == Array(1000..<1150))
                #expect(journal.backlog == 0)
                try await journal.close()
                #expect(try await UsageJournal.open(store: base, prefix: prefix).recovered == 0)
            }
        }
    }

    @Test func twoJournalsOnOneDatabaseKeepTheirOwnMarks() async throws {
        try await withJournalFolder { first in
            try await withJournalFolder { second in
                try await withTemporaryStore(.postgres) { store, openAnother in
                    let (one, _) = try await UsageJournal.open(store: store, prefix: first)
                    let (two, _) = try await UsageJournal.open(store: try await openAnother(), prefix: second)
                    #expect(one.append(record(200)))
                    #expect(two.append(record(201)))
                    #expect(two.append(record(202)))
                    try await one.close()
                    try await two.close()
                    #expect(try await rows(store).map(\.status).sorted() == [200, 201, 202])
                    // Neither replays the other's segments, nor its own again.
                    #expect(try await UsageJournal.open(store: store, prefix: first).recovered == 0)
                    #expect(try await UsageJournal.open(store: store, prefix: second).recovered == 0)
                    #expect(try await rows(store).count == 3)
                }
            }
        }
    }
}

/// A journal prefix (`FOLDER/usage`) in a fresh folder, removed afterwards.
private func withJournalFolder(_ body: (String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-journal-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(folder.appendingPathComponent("usage").path)
}
