internal import Foundation
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// Usage rows made durable the moment a request is answered, for the price of one `write(2)`,
/// and moved into the database in batches.
///
/// Each row is appended as a line to the current segment file (`PREFIX.N`) before the response's
/// last byte goes out: once written, the operating system keeps it even if the process is
/// killed. ``commit()`` starts a new segment and writes the older segments' rows, each in one
/// transaction together with its number (the journal's mark), then deletes them. At start-up,
/// segments newer than the mark are replayed, so a crash loses no row and counts none twice.
///
/// While the database is unreachable, segments wait on disk and are written in order once it is
/// back. Memory holds at most ``maximumBufferedRows`` of their rows (100,000 by default); older ones are read back
/// from their files when their turn comes, so an outage of any length loses nothing that reached
/// the disk.
///
/// Each replica has its own journal, named by an id kept next to it (`PREFIX.id`): on
/// PostgreSQL every journal has its own mark.
public final class UsageJournal: Sendable {
    private struct Batch {
        var segment: UInt64
        /// `nil` once dropped from memory; the segment file still has them.
        var records: [UsageRecord]?
    }

    private struct State {
        var segment: UInt64
        var descriptor: Int32
        var records: [UsageRecord] = []
        /// Closed segments not yet in the database, oldest first.
        var pending: [Batch] = []
    }

    /// The most rows of closed segments kept in memory while the database is unreachable.
    public let maximumBufferedRows: Int

    private let store: any GatewayStore
    private let prefix: String
    /// Names this journal's mark in the database.
    public let id: String
    private let state: Mutex<State>

    /// Replays what an earlier run left in the journal at `prefix` (files `PREFIX.N`), then opens
    /// a new segment.
    /// - Returns: also how many rows the replay recovered.
    public static func open(
        store: any GatewayStore, prefix: String, maximumBufferedRows: Int = 100_000
    ) async throws -> (journal: UsageJournal, recovered: Int) {
        let folder = URL(fileURLWithPath: prefix).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let id = try journalID(prefix: prefix + ".")
        let mark = try await store.usageJournalMark(journal: id)
        var recovered = 0
        var newest = mark
        for (segment, path) in try segments(prefix: prefix + ".") {
            newest = max(newest, segment)
            if segment > mark {
                let records = try read(path)
                try await store.recordUsage(records, journal: id, segment: segment)
                recovered += records.count
            }
            try FileManager.default.removeItem(atPath: path)
        }
        let first = newest + 1
        let state = State(segment: first, descriptor: try openSegment(prefix + "." + String(first)))
        let journal = UsageJournal(
            store: store, prefix: prefix + ".", id: id, state: state, maximumBufferedRows: maximumBufferedRows)
        return (journal, recovered)
    }

    private init(store: any GatewayStore, prefix: String, id: String, state: State, maximumBufferedRows: Int) {
        self.maximumBufferedRows = maximumBufferedRows
        self.store = store
        self.prefix = prefix
        self.id = id
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

    /// Rows appended but not yet in the database.
    public var backlog: Int {
        state.withLock { state in state.records.count + state.pending.reduce(0) { $0 + ($1.records?.count ?? 0) } }
    }

    /// Moves the rows appended so far into the database (see the type's description). Called by
    /// one task at a time.
    public func commit() async throws {
        try state.withLock { state in
            guard !state.records.isEmpty else { return }
            let next = state.segment + 1
            let descriptor = try Self.openSegment(prefix + String(next))
            Glibc.close(state.descriptor)
            state.pending.append(Batch(segment: state.segment, records: state.records))
            state.segment = next
            state.descriptor = descriptor
            state.records.removeAll(keepingCapacity: true)
            var buffered = state.pending.reduce(0) { $0 + ($1.records?.count ?? 0) }
            for index in state.pending.indices where buffered > maximumBufferedRows {
                buffered -= state.pending[index].records?.count ?? 0
                state.pending[index].records = nil
            }
        }
        while let batch = state.withLock({ $0.pending.first }) {
            let path = prefix + String(batch.segment)
            try await store.recordUsage(try batch.records ?? Self.read(path), journal: id, segment: batch.segment)
            state.withLock { _ = $0.pending.removeFirst() }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Commits what is left, and removes the last, empty, segment.
    public func close() async throws {
        try await commit()
        let (segment, descriptor) = state.withLock { ($0.segment, $0.descriptor) }
        Glibc.close(descriptor)
        try? FileManager.default.removeItem(atPath: prefix + String(segment))
    }

    private static func read(_ path: String) throws -> [UsageRecord] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: UInt8(ascii: "\n"))
            .compactMap { UsageRecord(journalLine: $0) }
    }

    /// The id in `PREFIX.id`, made on first use.
    private static func journalID(prefix: String) throws -> String {
        let path = prefix + "id"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        let id = UUID().uuidString.lowercased()
        try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return id
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
