internal import Foundation
internal import Synchronization

/// What the admin API's status shows beside the Prometheus metrics, which are write-only: the
/// response cache's hits and misses, and the last requests that failed, newest first. In memory
/// only, since this replica started.
final class GatewayActivity: Sendable {
    /// A request that ended in an error. Never holds a key or a body: only what the log line says.
    struct RecentError: Sendable, Hashable {
        let at: Date
        let method: String
        let path: String
        let status: Int
        let category: String
        let keyName: String?
        let requestID: String
    }

    private struct State {
        var requests = 0
        var cacheHits = 0
        var cacheMisses = 0
        /// A ring: `next` is where the next error goes once it is full.
        var errors: [RecentError] = []
        var next = 0
    }

    let capacity: Int
    let startedAt = Date()
    private let state = Mutex(State())

    init(capacity: Int = 50) {
        precondition(capacity > 0, "the ring needs room for an error")
        self.capacity = capacity
    }

    func recordRequest(failure: RecentError?) {
        state.withLock { state in
            state.requests += 1
            guard let failure else { return }
            if state.errors.count < capacity {
                state.errors.append(failure)
            } else {
                state.errors[state.next] = failure
            }
            state.next = (state.next + 1) % capacity
        }
    }

    /// Counts `cache:hit` and `cache:miss` policy actions.
    func recordPolicyAction(_ action: String) {
        switch action {
        case "cache:hit": state.withLock { $0.cacheHits += 1 }
        case "cache:miss": state.withLock { $0.cacheMisses += 1 }
        default: break
        }
    }

    struct Snapshot: Sendable {
        let requests: Int
        let cacheHits: Int
        let cacheMisses: Int
        /// Newest first.
        let recentErrors: [RecentError]

        /// Hits over lookups; `nil` before the first lookup.
        var cacheHitRate: Double? {
            cacheHits + cacheMisses > 0 ? Double(cacheHits) / Double(cacheHits + cacheMisses) : nil
        }
    }

    var snapshot: Snapshot {
        state.withLock { state in
            // Oldest first in the ring starts at `next` once it has wrapped.
            let ordered =
                state.errors.count < capacity ? state.errors : Array(state.errors[state.next...] + state.errors[..<state.next])
            return Snapshot(
                requests: state.requests, cacheHits: state.cacheHits, cacheMisses: state.cacheMisses, recentErrors: ordered.reversed())
        }
    }
}
