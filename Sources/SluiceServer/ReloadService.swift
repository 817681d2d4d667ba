internal import Logging
internal import ServiceLifecycle
internal import SluicePolicy
internal import UnixSignals

/// Keeps the policies and the listener's certificate current without a restart: reloads every
/// file on SIGHUP, and notices edited files by polling their modification times and sizes.
struct ReloadService: Service {
    let registry: PolicyRegistry
    /// Lists the `rag` collections again before each reload, so a policy naming one created since loads.
    let retriever: Retriever
    let certificates: ListenerCertificates?
    let auditor: PolicyAuditor
    let pollInterval: Duration
    let logger: Logger

    func run() async throws {
        // Shutdown cancels the loops below; that is how this service ends, not a failure.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        await GatewayServer.refreshCatalog(of: retriever, logger: logger)
                        await auditor.record(registry.reload(everyFile: true))
                        certificates?.reload(force: true, logger: logger)
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: pollInterval)
                        await GatewayServer.refreshCatalog(of: retriever, logger: logger)
                        await auditor.record(registry.reload())
                        certificates?.reload(logger: logger)
                    }
                }
                try await group.next()
            }
        }
    }
}
