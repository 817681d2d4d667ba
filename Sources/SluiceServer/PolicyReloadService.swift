internal import ServiceLifecycle
internal import SluicePolicy
internal import UnixSignals

/// Keeps the policies current without a restart: reloads every file on SIGHUP, and notices
/// edited files by polling their modification times and sizes.
struct PolicyReloadService: Service {
    let registry: PolicyRegistry
    let pollInterval: Duration

    func run() async throws {
        // Shutdown cancels the loops below; that is how this service ends, not a failure.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        registry.reload(everyFile: true)
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: pollInterval)
                        registry.reload()
                    }
                }
                try await group.next()
            }
        }
    }
}
