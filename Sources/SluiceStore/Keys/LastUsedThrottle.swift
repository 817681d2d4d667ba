package import Foundation
internal import Synchronization

/// Remembers when each key's use was last written, so `last_used_at` costs one write a minute.
package final class LastUsedThrottle: Sendable {
    private let lastWrites = Mutex<[String: Date]>([:])
    private let interval: TimeInterval = 60

    package init() {}

    package func shouldRecord(keyID: String, now: Date) -> Bool {
        lastWrites.withLock { writes in
            if let last = writes[keyID], now.timeIntervalSince(last) < interval { return false }
            writes[keyID] = now
            return true
        }
    }
}
