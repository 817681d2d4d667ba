internal import Foundation

/// Jobs from request tasks to the embedding thread, which sleeps on it while it has no work.
///
/// `@unchecked Sendable`: `jobs` and `stopped` are only touched under `condition`.
final class EmbeddingInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [EmbeddingJob] = []
    private var stopped = false

    func post(_ job: EmbeddingJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Asks the embedding thread to end after its current batch.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// The jobs posted since the last call, and whether the thread must stop (and fail every job it
    /// holds); with `wait`, sleeps until there is a job or a stop.
    func next(wait: Bool) -> (jobs: [EmbeddingJob], stopped: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while wait, jobs.isEmpty, !stopped { condition.wait() }
        defer { jobs.removeAll() }
        return (jobs, stopped)
    }
}
