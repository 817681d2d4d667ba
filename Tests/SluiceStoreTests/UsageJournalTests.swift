import Foundation
import GRDB
import SluiceStore
import Testing

@Suite struct UsageJournalTests {
    private func record(_ status: Int) -> UsageRecord {
        UsageRecord(
            createdAt: Date(timeIntervalSince1970: 1_764_000_000.25), keyID: "key_1", keyName: "ci", model: "m", backend: nil,
            endpoint: "messages", stream: true, status: status, inputTokens: 12, outputTokens: 7, cacheReadInputTokens: 3,
            cacheHit: false, durationMilliseconds: 1.5, policies: "pii:EMAIL=1 \"quoted\"")
    }

    private func rows(_ database: SluiceDatabase) throws -> [UsageRecord] {
        try database.usageRows()
    }

    @Test func aLineReadsBackAsTheSameRecord() {
        let original = record(200)
        #expect(UsageRecord(journalLine: original.journalLine.dropLast()) == original)
        #expect(UsageRecord(journalLine: Array(original.journalLine.prefix(20))) == nil)
    }

    @Test func rowsNotYetCommittedAreReplayedOnceAtTheNextOpen() async throws {
        try await withTemporaryDatabaseAsync { database in
            let (journal, recovered) = try UsageJournal.open(database: database)
            #expect(recovered == 0)
            #expect(journal.append(record(200)))
            #expect(journal.append(record(499)))
            // A crash: the journal is never committed nor closed.
            let (reopened, replayed) = try UsageJournal.open(database: database)
            #expect(replayed == 2)
            #expect(try database.usageRows().map(\.status) == [200, 499])
            #expect(try database.usageRows().first?.policies == "pii:EMAIL=1 \"quoted\"")
            try await reopened.close()
            #expect(try UsageJournal.open(database: database).recovered == 0)
            #expect(try database.usageRows().count == 2)
        }
    }

    @Test func committedRowsAreNotCountedAgainAndATornLastLineIsSkipped() async throws {
        try await withTemporaryDatabaseAsync { database in
            let (journal, _) = try UsageJournal.open(database: database)
            #expect(journal.append(record(200)))
            try await journal.commit()
            #expect(journal.append(record(529)))
            // A crash in the middle of a line.
            let segments = try FileManager.default.contentsOfDirectory(atPath: (database.path as NSString).deletingLastPathComponent)
                .filter { $0.contains("-usage.") }
            #expect(segments.count == 1)
            let handle = try FileHandle(
                forWritingTo: URL(fileURLWithPath: (database.path as NSString).deletingLastPathComponent + "/" + segments[0]))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"created_at":1764000000,"endp"#.utf8))
            try handle.close()
            let (_, replayed) = try UsageJournal.open(database: database)
            #expect(replayed == 1)
            #expect(try database.usageRows().map(\.status) == [200, 529])
        }
    }
}

extension SluiceDatabase {
    func usageRows() throws -> [UsageRecord] {
        try DatabaseQueue(path: path).read { db in try UsageRecord.order(Column("id")).fetchAll(db) }
    }
}

/// A migrated database in a fresh folder, for async bodies.
private func withTemporaryDatabaseAsync(_ body: (SluiceDatabase) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-journal-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(try SluiceDatabase(path: folder.appendingPathComponent("sluice.sqlite").path))
}
