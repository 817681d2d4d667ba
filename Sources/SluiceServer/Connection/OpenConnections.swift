internal import Synchronization

/// The count of open client connections, against the configured cap.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    private let maximum: Int

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection in, unless the cap is reached.
    func open() -> Bool {
        let (_, opened) = count.wrappingAdd(1, ordering: .relaxed)
        guard opened <= maximum else {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func close() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}
