internal import Logging
internal import ServiceLifecycle
internal import SluiceStore
internal import Synchronization

/// Writes each finished request's usage to the database before its answer is complete, by group
/// commit: callers wait while one transaction is being written, then all that arrived meanwhile go
/// in the next. Throughput stays that of batching (one commit for many requests under load), yet
/// no answered request's row can be lost to a crash: the client gets its last byte only once its
/// row is committed. Counts what the policy stages did as it goes.
final class UsageRecorder: Service, Sendable {
    private struct Queue {
        var records: [UsageRecord] = []
        /// Callers whose records are queued, resumed with `true` once committed.
        var waiters: [CheckedContinuation<Bool, Never>] = []
        /// The writer, parked while there is nothing to write.
        var idleWriter: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    private typealias Batch = (records: [UsageRecord], waiters: [CheckedContinuation<Bool, Never>])

    private let database: SluiceDatabase
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let queue = Mutex(Queue())

    init(database: SluiceDatabase, metrics: GatewayMetrics, logger: Logger) {
        self.database = database
        self.metrics = metrics
        self.logger = logger
    }

    /// Returns once `usage` is committed (or failed to be, which is logged).
    func record(_ usage: UsageRecord, actions: [String]) async {
        for action in actions {
            metrics.recordPolicyAction(action)
        }
        let committed = await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
            let (queued, idleWriter) = queue.withLock { queue -> (Bool, CheckedContinuation<Void, Never>?) in
                guard !queue.stopped else { return (false, nil) }
                queue.records.append(usage)
                queue.waiters.append(waiter)
                defer { queue.idleWriter = nil }
                return (true, queue.idleWriter)
            }
            if queued { idleWriter?.resume() } else { waiter.resume(returning: false) }
        }
        // After shutdown (a request outliving the grace period) the row is written on its own.
        if !committed { await write([usage]) }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await write(batch.records)
                for waiter in batch.waiters { waiter.resume(returning: true) }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// The records queued since the last commit, waiting for some; `nil` once stopped and drained.
    private func nextBatch() async -> Batch? {
        while true {
            let (batch, stopped) = queue.withLock { queue -> (Batch?, Bool) in
                guard !queue.records.isEmpty else { return (nil, queue.stopped) }
                defer {
                    queue.records.removeAll(keepingCapacity: true)
                    queue.waiters.removeAll(keepingCapacity: true)
                }
                return ((queue.records, queue.waiters), queue.stopped)
            }
            if let batch { return batch }
            if stopped { return nil }
            await withCheckedContinuation { (parked: CheckedContinuation<Void, Never>) in
                let resumeNow = queue.withLock { queue -> Bool in
                    guard !queue.stopped, queue.records.isEmpty else { return true }
                    queue.idleWriter = parked
                    return false
                }
                if resumeNow { parked.resume() }
            }
        }
    }

    private func stop() {
        let writer = queue.withLock { queue in
            queue.stopped = true
            defer { queue.idleWriter = nil }
            return queue.idleWriter
        }
        writer?.resume()
    }

    private func write(_ records: [UsageRecord]) async {
        do {
            try await database.recordUsage(records)
        } catch {
            logger.error("could not record usage", metadata: ["error": "\(error)", "requests": "\(records.count)"])
        }
    }
}
