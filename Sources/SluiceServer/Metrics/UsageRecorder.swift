internal import Logging
internal import SluiceStore

/// Writes each finished request's usage to SQLite and counts what the policy stages did.
struct UsageRecorder: Sendable {
    let database: SluiceDatabase
    let metrics: GatewayMetrics

    func record(_ usage: UsageRecord, actions: [String], logger: Logger) {
        do {
            try database.recordUsage(usage)
        } catch {
            logger.error("could not record usage", metadata: ["error": "\(error)"])
        }
        for action in actions {
            metrics.recordPolicyAction(action)
        }
    }
}
