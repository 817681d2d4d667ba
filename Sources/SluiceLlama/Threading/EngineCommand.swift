/// What a request task asks of an engine thread: take its job, or drop it because the caller left.
enum EngineCommand<Job: Sendable>: Sendable {
    case submit(Job)
    case cancel(UInt64)
}
