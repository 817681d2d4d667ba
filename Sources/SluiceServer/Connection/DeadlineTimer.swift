internal import NIOCore

/// One timer for a deadline that moves, owned by a channel handler and used on its event loop.
/// A deadline that moves later (bytes arriving) leaves a running timer alone: it fires early and
/// the handler arms it again for the new deadline, which costs far less than a timer per byte.
final class DeadlineTimer {
    private var scheduled: Scheduled<Void>?
    private var deadline: ContinuousClock.Instant?

    func arm(for deadline: ContinuousClock.Instant, on eventLoop: any EventLoop, fire: @escaping () -> Void) {
        if scheduled != nil {
            guard let current = self.deadline, deadline < current else { return }
            cancel()
        }
        self.deadline = deadline
        scheduled = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(deadline - .now)) {
            self.scheduled = nil
            self.deadline = nil
            fire()
        }
    }

    func cancel() {
        scheduled?.cancel()
        scheduled = nil
        deadline = nil
    }
}
