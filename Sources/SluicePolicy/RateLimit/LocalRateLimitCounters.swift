internal import Synchronization

/// Counters in memory, under one lock: exact for a single process, O(1) per request.
final class LocalRateLimitCounters: RateLimitCounters {
    private let keys = Mutex<[String: KeyCounters]>([:])

    func update<Result: Sendable>(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Result) async throws -> Result {
        keys.withLock { keys in change(&keys[key, default: KeyCounters()]) }
    }

    func post(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Void) {
        keys.withLock { keys in change(&keys[key, default: KeyCounters()]) }
    }

    func lastSeen(_ key: String) -> KeyCounters? {
        keys.withLock { $0[key] }
    }
}
