internal import Foundation
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// Usage rows made durable the moment a request is answered, for the price of one `write(2)`,
/// and moved into SQLite in batches.
///
/// Each row is appended as a line to the current segment file (`DATABASE-usage.N`, next to the
/// database) before the response's last byte goes out: once written, the operating system keeps
/// it even if the process is killed. ``commit()`` starts a new segment, writes the old one's rows
/// in one transaction together with its number (the journal mark), then deletes it. At start-up,
/// segments newer than the mark are replayed, so a crash loses no row and counts none twice.
public final class UsageJournal: Sendable {
    private struct State {
        var segment: UInt64
        var descriptor: Int32
        var records: [UsageRecord] = []
        /// A batch whose commit failed, tried again before the next one.
        var unwritten: (segment: UInt64, records: [UsageRecord])?
    }

    private let database: SluiceDatabase
    private let prefix: String
    private let state: Mutex<State>

    /// Replays what an earlier run left in the journal, then opens a new segment.
    /// - Returns: also how many rows the replay recovered.
    public static func open(database: SluiceDatabase) throws -> (journal: UsageJournal, recovered: Int) {
        let prefix = database.path + "-usage."
        let mark = try database.usageJournalMark()
        var recovered = 0
        var newest = mark
        for (segment, path) in try segments(prefix: prefix) {
            newest = max(newest, segment)
            if segment > mark {
                let records = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: UInt8(ascii: "\n"))
                    .compactMap { UsageRecord(journalLine: $0) }
                try database.replayUsage(records, journalSegment: segment)
                recovered += records.count
            }
            try FileManager.default.removeItem(atPath: path)
        }
        let first = newest + 1
        let journal = UsageJournal(
            database: database, prefix: prefix, state: State(segment: first, descriptor: try openSegment(prefix + String(first))))
        return (journal, recovered)
    }

    private init(database: SluiceDatabase, prefix: String, state: State) {
        self.database = database
        self.prefix = prefix
        self.state = Mutex(state)
    }

    /// Makes `record` durable and queues it for the next commit; `false` when the journal could
    /// not be written (the row is still committed with the next batch).
    public func append(_ record: UsageRecord) -> Bool {
        let line = record.journalLine
        return state.withLock { state in
            state.records.append(record)
            return line.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) } == line.count
        }
    }

    /// Moves the rows appended so far into the database (see the type's description).
    public func commit() async throws {
        let batch = try state.withLock { state -> (segment: UInt64, records: [UsageRecord])? in
            if let unwritten = state.unwritten { return unwritten }
            guard !state.records.isEmpty else { return nil }
            let next = state.segment + 1
            let descriptor = try Self.openSegment(prefix + String(next))
            defer {
                Glibc.close(state.descriptor)
                state.segment = next
                state.descriptor = descriptor
                state.records.removeAll(keepingCapacity: true)
            }
            state.unwritten = (state.segment, state.records)
            return (state.segment, state.records)
        }
        guard let batch else { return }
        try await database.recordUsage(batch.records, journalSegment: batch.segment)
        state.withLock { $0.unwritten = nil }
        try? FileManager.default.removeItem(atPath: prefix + String(batch.segment))
    }

    /// Commits what is left, and removes the last, empty, segment.
    public func close() async throws {
        // A batch that failed earlier goes first; the second commit takes the rows after it.
        try await commit()
        try await commit()
        let (segment, descriptor) = state.withLock { ($0.segment, $0.descriptor) }
        Glibc.close(descriptor)
        try? FileManager.default.removeItem(atPath: prefix + String(segment))
    }

    private static func openSegment(_ path: String) throws -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSFilePathErrorKey: path])
        }
        return descriptor
    }

    /// The journal's segment files, oldest first.
    private static func segments(prefix: String) throws -> [(UInt64, String)] {
        let folder = (prefix as NSString).deletingLastPathComponent
        let namePrefix = (prefix as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        return names.compactMap { name -> (UInt64, String)? in
            guard name.hasPrefix(namePrefix), let number = UInt64(name.dropFirst(namePrefix.count)) else { return nil }
            return (number, (folder as NSString).appendingPathComponent(name))
        }
        .sorted { $0.0 < $1.0 }
    }
}
