internal import Foundation
internal import Synchronization

/// Counters in the shared database, so a limit holds across every replica.
///
/// Each write is a compare-and-swap on the key's row: the changes are applied to the version this
/// process last saw and written only if the row still has that version; otherwise the newer row
/// comes back and the changes are applied again to it. No lock is held between round trips.
///
/// Changes to one key are written one batch at a time: the first goes out at once from the
/// caller's task, and those that arrive while a write is in flight share the next one. Under load one round trip serves many requests, and requests of one
/// replica never race each other's writes; only replicas contend. Settlements (``post(_:_:)``)
/// wait up to ``postDelay`` to share the next admission's write, so a lone client pays one round
/// trip per request rather than two; meanwhile the counters stay conservative (a slot is still
/// held, tokens not yet given back), never generous.
final class SharedRateLimitCounters: RateLimitCounters {
    private struct Change: Sendable {
        let apply: @Sendable (inout KeyCounters) -> any Sendable
        /// `nil` for a posted change, which nobody waits for.
        let continuation: CheckedContinuation<any Sendable, any Error>?
        /// Tries left for a posted change whose write failed (the database unreachable).
        var triesLeft = 30
    }

    private struct Queue {
        var changes: [Change] = []
        var writing = false
        var delayedWriteScheduled = false
    }

    private struct State {
        var lastStored: [String: (version: Int64, counters: KeyCounters)] = [:]
        var queues: [String: Queue] = [:]
    }

    private let store: any SharedCounterStore
    private let state = Mutex(State())
    /// Bounds a pathological storm of conflicts; each failed try means another replica progressed.
    private let maximumAttempts = 64
    /// The longest a posted change waits for a write to share.
    let postDelay: Duration = .milliseconds(25)
    /// The wait before a posted change whose write failed is tried again.
    private let retryDelay: Duration = .seconds(2)

    init(store: any SharedCounterStore) {
        self.store = store
    }

    func update<Result: Sendable>(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Result) async throws -> Result {
        // With no write of this key in flight, this task writes (with any posted changes): no hop to another task.
        let claimed: [Change]? = state.withLock { state in
            var queue = state.queues[key] ?? Queue()
            guard !queue.writing else { return nil }
            queue.writing = true
            let posted = queue.changes
            queue.changes = []
            state.queues[key] = queue
            return posted
        }
        if let posted = claimed {
            defer { handOff(key) }
            do {
                let results = try await write(key, posted + [Change(apply: { change(&$0) }, continuation: nil)])
                // The batch returns, for each change, what that change's closure returned.
                return results.last as! Result
            } catch {
                retryLater(key, posted.filter { $0.triesLeft > 0 })
                throw error
            }
        }
        let value = try await withCheckedThrowingContinuation { continuation in
            enqueue(key, Change(apply: { change(&$0) }, continuation: continuation), wait: nil)
        }
        return value as! Result
    }

    /// After a write in the caller's task: the changes queued meanwhile get a task of their own.
    private func handOff(_ key: String) {
        let more = state.withLock { state in
            guard var queue = state.queues[key] else { return false }
            if queue.changes.isEmpty {
                queue.writing = false
                state.queues[key] = queue.delayedWriteScheduled ? queue : nil
                return false
            }
            return true
        }
        if more { Task { await self.writeQueued(key) } }
    }

    func post(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Void) {
        enqueue(key, Change(apply: { change(&$0) }, continuation: nil), wait: postDelay)
    }

    func lastSeen(_ key: String) -> KeyCounters? {
        state.withLock { $0.lastStored[key]?.counters }
    }

    /// Queues `change`; starts a write now (`wait == nil`) or after `wait` unless one starts sooner.
    private func enqueue(_ key: String, _ change: Change, wait: Duration?) {
        enum Next { case nothing, writeNow, writeLater }
        let next: Next = state.withLock { state in
            var queue = state.queues[key] ?? Queue()
            queue.changes.append(change)
            defer { state.queues[key] = queue }
            if queue.writing { return .nothing }
            if wait == nil {
                queue.writing = true
                return .writeNow
            }
            if queue.delayedWriteScheduled { return .nothing }
            queue.delayedWriteScheduled = true
            return .writeLater
        }
        switch next {
        case .nothing: break
        case .writeNow: Task { await self.writeQueued(key) }
        case .writeLater:
            let delay = wait ?? .zero
            Task {
                try? await Task.sleep(for: delay)
                let start = self.state.withLock { state in
                    guard var queue = state.queues[key] else { return false }
                    queue.delayedWriteScheduled = false
                    guard !queue.writing, !queue.changes.isEmpty else {
                        state.queues[key] = queue.writing || !queue.changes.isEmpty ? queue : nil
                        return false
                    }
                    queue.writing = true
                    state.queues[key] = queue
                    return true
                }
                if start { await self.writeQueued(key) }
            }
        }
    }

    /// Writes the queued changes of `key`, batch after batch, until none is left.
    private func writeQueued(_ key: String) async {
        while true {
            let batch: [Change] = state.withLock { state in
                guard var queue = state.queues[key] else { return [] }
                let changes = queue.changes
                queue.changes = []
                if changes.isEmpty {
                    queue.writing = false
                    state.queues[key] = queue.delayedWriteScheduled ? queue : nil
                } else {
                    state.queues[key] = queue
                }
                return changes
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try await write(key, batch)
                for (change, result) in zip(batch, results) { change.continuation?.resume(returning: result) }
            } catch {
                for change in batch { change.continuation?.resume(throwing: error) }
                retryLater(key, batch.filter { $0.continuation == nil && $0.triesLeft > 0 })
            }
        }
    }

    /// Posted changes are owed (a slot to free, tokens to give back): they are tried again for a
    /// minute, which covers a database restart; after that a slot's lease frees it.
    private func retryLater(_ key: String, _ changes: [Change]) {
        guard !changes.isEmpty else { return }
        let retryDelay = retryDelay
        Task {
            try? await Task.sleep(for: retryDelay)
            for var change in changes {
                change.triesLeft -= 1
                enqueue(key, change, wait: .zero)
            }
        }
    }

    /// Applies `batch` to the newest counters and stores the result by compare-and-swap; returns
    /// what each change returned.
    private func write(_ key: String, _ batch: [Change]) async throws -> [any Sendable] {
        var current = state.withLock { $0.lastStored[key] }
        if current == nil { current = try await store.counters(for: key).map { ($0.version, Self.decode($0.state)) } }
        for _ in 0..<maximumAttempts {
            let (version, before) = current ?? (0, KeyCounters())
            var after = before
            let results = batch.map { $0.apply(&after) }
            // Written even when unchanged: the write is what proves the decisions were made on
            // the newest counters (a refusal on a stale copy could be wrong).
            if let newer = try await store.replaceCounters(for: key, expected: version, with: Self.encode(after)) {
                current = (newer.version, Self.decode(newer.state))
                continue
            }
            state.withLock { $0.lastStored[key] = (version + 1, after) }
            return results
        }
        state.withLock { $0.lastStored[key] = nil }
        throw SharedCountersContention(key: key)
    }

    private static func encode(_ counters: KeyCounters) -> String {
        // Encoding a struct of numbers, strings and arrays cannot fail.
        String(decoding: (try? JSONEncoder().encode(counters)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A row this build cannot read (written by another version) starts afresh.
    private static func decode(_ state: String) -> KeyCounters {
        (try? JSONDecoder().decode(KeyCounters.self, from: Data(state.utf8))) ?? KeyCounters()
    }
}

/// Too many replicas changed one key's counters at once for this one to get a turn.
struct SharedCountersContention: Error, CustomStringConvertible {
    let key: String
    var description: String { "rate-limit counters of \(key) kept changing under this replica" }
}
