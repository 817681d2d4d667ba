internal import Foundation

/// A budget of `capacity` units a minute that refills continuously, as Anthropic's limits do:
/// spending is allowed while units remain, and each second gives back `capacity / 60`.
///
/// Unlike a fixed window it allows no double burst at a window's edge, and unlike a log of
/// timestamps it costs O(1) in time and memory. Settling a reservation may leave the level
/// below zero: a request that used more than it reserved delays the ones after it.
struct TokenBucket: Sendable, Codable, Equatable {
    private(set) var capacity: Int
    private(set) var level: Double
    private var updatedAt: Date

    /// A full bucket.
    init(capacity: Int, now: Date) {
        self.capacity = capacity
        self.level = Double(capacity)
        self.updatedAt = now
    }

    /// Adds what refilled since the last call. A changed `capacity` (a reloaded policy) applies
    /// from now; the level never exceeds it.
    mutating func refill(to now: Date, capacity newCapacity: Int? = nil) {
        let elapsed = now.timeIntervalSince(updatedAt)
        if elapsed > 0 {
            level += elapsed * Double(capacity) / 60
            updatedAt = now
        }
        if let newCapacity { capacity = newCapacity }
        level = min(level, Double(capacity))
    }

    mutating func take(_ amount: Double) {
        level -= amount
    }

    /// Returns unspent units (a reservation settled below its estimate); a negative amount charges more.
    mutating func giveBack(_ amount: Double) {
        level = min(level + amount, Double(capacity))
    }

    /// Whole units left now, never negative.
    var remaining: Int { max(0, Int(level.rounded(.down))) }

    /// Seconds until `amount` units are available.
    func secondsUntilAvailable(_ amount: Double) -> Double {
        amount <= level ? 0 : (amount - level) * 60 / Double(capacity)
    }

    /// Seconds until the bucket is full again: what the `…-reset` headers report.
    var secondsUntilFull: Double { secondsUntilAvailable(Double(capacity)) }
}
