internal import Logging
internal import ServiceLifecycle
internal import SluiceStore
internal import Synchronization

/// Collects each finished request's usage and writes it to SQLite in batches, off the request
/// path: one transaction every `flushInterval` instead of one commit per request. Counts what
/// the policy stages did as it goes. Runs as a service so the last batch is written at shutdown.
final class UsageRecorder: Service, Sendable {
    private let database: SluiceDatabase
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let flushInterval: Duration
    private let pending = Mutex<[UsageRecord]>([])

    init(database: SluiceDatabase, metrics: GatewayMetrics, logger: Logger, flushInterval: Duration = .milliseconds(200)) {
        self.database = database
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = flushInterval
    }

    func record(_ usage: UsageRecord, actions: [String]) {
        pending.withLock { $0.append(usage) }
        for action in actions {
            metrics.recordPolicyAction(action)
        }
    }

    func run() async throws {
        // Shutdown cancels the sleep; the final flush below still runs.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.flushInterval)
                self.flush()
            }
        }
        flush()
    }

    private func flush() {
        let batch = pending.withLock { records in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        do {
            try database.recordUsage(batch)
        } catch {
            logger.error("could not record usage", metadata: ["error": "\(error)", "requests": "\(batch.count)"])
        }
    }
}
