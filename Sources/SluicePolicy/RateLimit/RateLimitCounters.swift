/// Where the ledger keeps each key's ``KeyCounters``: in this process's memory, or in a database
/// row shared by every replica.
protocol RateLimitCounters: Sendable {
    /// Applies `change` to `key`'s counters atomically and returns what it returned.
    ///
    /// `change` may run more than once (a shared store retries when another replica changed the
    /// counters first), so it must depend on nothing but its argument and captured values.
    func update<Result: Sendable>(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Result) async throws -> Result

    /// Applies `change` to `key`'s counters soon, without waiting: for changes that only give
    /// back (a settlement), which may share a write with the next ``update(_:_:)``.
    func post(_ key: String, _ change: @escaping @Sendable (inout KeyCounters) -> Void)

    /// The counters as this process last saw them, without a round trip; possibly stale.
    func lastSeen(_ key: String) -> KeyCounters?
}
