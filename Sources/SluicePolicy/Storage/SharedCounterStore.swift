/// A key's rate-limit counters as stored, with the version that changes on every write.
public struct VersionedCounters: Sendable, Hashable {
    public var version: Int64
    public var state: String

    public init(version: Int64, state: String) {
        self.version = version
        self.state = state
    }
}

/// Rate-limit counters shared by every process on one database, changed by compare-and-swap so
/// that limits hold exactly across replicas without a lock held between round trips.
public protocol SharedCounterStore: Sendable {
    /// The counters stored under `key`, if any.
    func counters(for key: String) async throws -> VersionedCounters?

    /// Stores `state` under `key` as version `expected + 1` if the stored version is still
    /// `expected` (0: nothing stored yet).
    /// - Returns: `nil` when stored; otherwise the counters another process stored meanwhile.
    func replaceCounters(for key: String, expected: Int64, with state: String) async throws -> VersionedCounters?
}
