internal import ServiceLifecycle
internal import Synchronization

/// When the requests still in flight at shutdown are cut: `shutdown_grace` after it began.
///
/// A service of its own, last in the group so that it hears of the shutdown first; requests
/// read it through their ``RequestCutoff``.
final class ShutdownCut: Service, Sendable {
    private let cutAt = Mutex<ContinuousClock.Instant?>(nil)
    private let grace: Duration

    init(grace: Duration) {
        self.grace = grace
    }

    var hasPassed: Bool {
        cutAt.withLock { cutAt in cutAt.map { ContinuousClock.now >= $0 } ?? false }
    }

    func run() async throws {
        try? await gracefulShutdown()
        cutAt.withLock { $0 = .now.advanced(by: grace) }
    }
}
