internal import Logging
internal import ServiceLifecycle
internal import SluiceStore
internal import Synchronization

/// Records each finished request's usage before its answer is complete, and moves the rows into
/// the database in batches, off the request path.
///
/// ``record(_:actions:)`` appends the row to the ``UsageJournal`` (one `write(2)`): an answered
/// request's row survives a crash, even `kill -9`, and the next start replays it. Every
/// `flushInterval` the rows go to the database in one transaction, so under load one commit
/// serves many requests. Counts what the policy stages did as it goes. Runs as a service so the
/// last batch is written at shutdown.
final class UsageRecorder: Service, Sendable {
    private let journal: UsageJournal
    let metrics: GatewayMetrics
    private let logger: Logger
    private let flushInterval: Duration
    /// Whether the last commit failed, so an outage is logged when it starts and ends, not five times a second.
    private let failing = Atomic(false)

    init(journal: UsageJournal, metrics: GatewayMetrics, logger: Logger, flushInterval: Duration = .milliseconds(200)) {
        self.journal = journal
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = flushInterval
    }

    func record(_ usage: UsageRecord, actions: [String]) {
        for action in actions {
            metrics.recordPolicyAction(action)
        }
        if !journal.append(usage) {
            logger.error("could not write the usage journal; the row is kept for the next commit")
        }
    }

    func run() async throws {
        // Shutdown cancels the sleep; the final commit below still runs.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.flushInterval)
                await self.commit()
            }
        }
        do {
            try await journal.close()
        } catch {
            logger.error("could not record usage at shutdown; the journal keeps it for the next start", metadata: ["error": "\(error)"])
        }
    }

    private func commit() async {
        do {
            try await journal.commit()
            if failing.exchange(false, ordering: .relaxed) {
                logger.notice("usage is recorded again")
            }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) {
                logger.error(
                    "could not record usage; the journal keeps it on disk and it is retried", metadata: ["error": "\(error)"])
            }
        }
    }
}
