internal import SluiceCore

/// When a request must end whatever its backend is doing: at its overall deadline
/// (`request_timeout`), or when the shutdown grace period runs out with it still in flight.
///
/// Either way the client is told: a plain request gets the error as its response, a stream ends
/// with it as an in-stream error, and the usage row records the failure instead of a 200.
struct RequestCutoff: Sendable {
    let deadline: ContinuousClock.Instant
    let requestTimeout: Duration
    let shutdown: ShutdownCut

    init(requestTimeout: Duration, shutdown: ShutdownCut, now: ContinuousClock.Instant = .now) {
        deadline = now.advanced(by: requestTimeout)
        self.requestTimeout = requestTimeout
        self.shutdown = shutdown
    }

    static let shuttingDown = SluiceError(.overloaded, "server shutting down", retryAfter: 1)

    /// How often a waiting request looks whether shutdown has cut it: once a second is one timer
    /// per short request and at most a second late for a long one.
    private static let shutdownCheckInterval: Duration = .seconds(1)

    var timedOut: SluiceError {
        SluiceError(.upstreamTimedOut, "the request took longer than the gateway's request_timeout (\(requestTimeout))")
    }

    /// Waits for the cutoff and returns its reason; `nil` when the task is cancelled first.
    func wait() async -> SluiceError? {
        while true {
            let now = ContinuousClock.now
            if now >= deadline { return timedOut }
            if shutdown.hasPassed { return Self.shuttingDown }
            do {
                try await Task.sleep(until: min(deadline, now.advanced(by: Self.shutdownCheckInterval)), clock: .continuous)
            } catch {
                return nil
            }
        }
    }

    /// Runs `operation`, or throws the cutoff's reason if that comes first (cancelling `operation`).
    func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                if let reason = await wait() { throw reason }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }
}
