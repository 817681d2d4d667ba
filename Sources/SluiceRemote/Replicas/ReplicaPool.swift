public import CoreMetrics
internal import Logging
public import SluiceCore
internal import Synchronization

/// The model servers behind one remote backend, and which of them a request goes to.
///
/// With session affinity, each session ranks the replicas by rendezvous hashing (the highest
/// `hash(session, replica)` first), so one session keeps landing on the replica whose prefix cache
/// holds its conversation, sessions spread evenly, and adding or removing a replica moves only
/// its own share. Load is bounded: a replica with more outstanding requests than
/// `(1 + slack) × the average`, and at least `loadFloor`, goes after the others in every ranking, so one hot session spills
/// over instead of queueing. Without affinity, replicas are taken least outstanding first (ties
/// in turn) or round robin.
///
/// Health is passive and active. A replica that fails `failuresToEject` times in a row (connect
/// errors, 5xx, timeouts) is ejected for a growing interval; one failing its health check is left
/// out until it passes. Ejection only applies to pools of several replicas: a backend of one has
/// nowhere else to send a request.
public final class ReplicaPool: Sendable {
    public enum Balance: Sendable, Hashable {
        case leastOutstanding
        case roundRobin
    }

    public struct Settings: Sendable, Hashable {
        public var balance: Balance = .leastOutstanding
        /// Keep each session on one replica.
        public var sessionAffinity = true
        /// Consecutive failures that eject a replica.
        public var failuresToEject = 3
        /// The first ejection's length; each further one in a row doubles it, up to `longestEjection`.
        public var firstEjection: Duration = .seconds(2)
        public var longestEjection: Duration = .seconds(120)
        /// How far above the average load a replica may be before new requests pass it by.
        public var loadSlack = 0.25
        /// Outstanding requests a replica always takes before load moves a session: model servers
        /// batch many requests at once, and at low traffic the average is so small that one
        /// concurrent request (a subagent, a title call, a lease not yet released) would move it.
        public var loadFloor = 4

        public init() {}
    }

    private struct Replica {
        var outstanding = 0
        var consecutiveFailures = 0
        var ejectedUntil: ContinuousClock.Instant?
        /// Ejections since the replica last answered well; the next one lasts longer.
        var ejections = 0
        var failingHealthCheck = false

        func isAvailable(at now: ContinuousClock.Instant) -> Bool {
            !failingHealthCheck && (ejectedUntil.map { now >= $0 } ?? true)
        }
    }

    private struct State {
        var replicas: [Replica]
        var turn = 0
    }

    public let backendName: String
    public let urls: [String]
    let settings: Settings
    private let state: Mutex<State>
    private let metrics: [ReplicaMetrics]
    private let logger = Logger(label: "sluice.replicas")

    public init(backendName: String, urls: [String], settings: Settings = Settings(), metricsFactory: any MetricsFactory) {
        precondition(!urls.isEmpty, "a replica pool needs a URL")
        self.backendName = backendName
        self.urls = urls
        self.settings = settings
        state = Mutex(State(replicas: Array(repeating: Replica(), count: urls.count)))
        metrics = urls.map { ReplicaMetrics(backend: backendName, replica: $0, factory: metricsFactory) }
    }

    /// The replicas to try for a request, best first; `affinity` is the request's session hash.
    /// - Throws: a 503 ``SluiceError`` with `retry-after` when every replica is ejected or failing its health check.
    public func ranking(affinity: UInt64?, now: ContinuousClock.Instant = .now) throws(SluiceError) -> [Int] {
        let ranking: [Int]? = state.withLock { state in
            let available = state.replicas.indices.filter { state.replicas[$0].isAvailable(at: now) }
            guard !available.isEmpty else { return nil }
            state.turn &+= 1
            let turn = state.turn
            let loads = state.replicas.map(\.outstanding)
            var order: [Int]
            if settings.sessionAffinity, let affinity {
                order = available.sorted { Self.score(affinity, urls[$0]) > Self.score(affinity, urls[$1]) }
            } else {
                let rotated = available.indices.map { available[($0 + turn) % available.count] }
                order =
                    settings.balance == .roundRobin
                    ? rotated
                    : rotated.enumerated().sorted { left, right in
                        (loads[left.element], left.offset) < (loads[right.element], right.offset)
                    }.map(\.element)
            }
            // Bounded load: a replica at capacity goes after those below it.
            let total = available.reduce(0) { $0 + loads[$1] }
            let capacity = max(
                settings.loadFloor, Int((Double(total + 1) / Double(available.count) * (1 + settings.loadSlack)).rounded(.up)))
            order = order.filter { loads[$0] < capacity } + order.filter { loads[$0] >= capacity }
            return order
        }
        guard let ranking else {
            let until = state.withLock { state in state.replicas.compactMap(\.ejectedUntil).filter { $0 > now }.min() }
            let wait = until.map { max(1, Int(($0 - now).timeInterval.rounded(.up))) } ?? 5
            throw SluiceError(
                .unavailable, "every replica of backend '\(backendName)' is failing; retry in \(wait)s", retryAfter: Double(wait))
        }
        return ranking
    }

    /// Counts a request as outstanding on `index` until the lease is released.
    func lease(_ index: Int) -> ReplicaLease {
        let outstanding = state.withLock { state in
            state.replicas[index].outstanding += 1
            return state.replicas[index].outstanding
        }
        metrics[index].outstanding.record(outstanding)
        return ReplicaLease(pool: self, index: index)
    }

    func release(_ index: Int) {
        let outstanding = state.withLock { state in
            state.replicas[index].outstanding -= 1
            return state.replicas[index].outstanding
        }
        metrics[index].outstanding.record(outstanding)
    }

    func recordSuccess(_ index: Int) {
        let recovered = state.withLock { state in
            defer {
                state.replicas[index].consecutiveFailures = 0
                state.replicas[index].ejections = 0
            }
            return state.replicas[index].ejections > 0
        }
        if recovered { logger.info("replica answers again", metadata: ["backend": "\(backendName)", "replica": "\(urls[index])"]) }
    }

    func recordFailure(_ index: Int, now: ContinuousClock.Instant = .now) {
        metrics[index].failures.increment()
        guard urls.count > 1 else { return }
        let ejection: Duration? = state.withLock { state in
            var replica = state.replicas[index]
            defer { state.replicas[index] = replica }
            replica.consecutiveFailures += 1
            // A replica back from an ejection is ejected again by its first failure.
            guard replica.consecutiveFailures >= settings.failuresToEject || replica.ejections > 0 else { return nil }
            let length = min(settings.firstEjection * (1 << min(replica.ejections, 20)), settings.longestEjection)
            replica.ejections += 1
            replica.consecutiveFailures = 0
            replica.ejectedUntil = now + length
            return length
        }
        if let ejection {
            metrics[index].ejections.increment()
            logger.warning(
                "replica ejected after failing",
                metadata: ["backend": "\(backendName)", "replica": "\(urls[index])", "for": "\(ejection)"])
        }
    }

    func recordUsage(_ usage: Usage, replica index: Int) {
        metrics[index].promptTokens.increment(by: usage.totalInputTokens)
        metrics[index].cachedPromptTokens.increment(by: usage.cacheReadInputTokens)
    }

    /// Records the outcome of an active health check of replica `index`.
    public func recordHealthCheck(replica index: Int, passed: Bool) {
        let changed = state.withLock { state in
            defer { state.replicas[index].failingHealthCheck = !passed }
            return state.replicas[index].failingHealthCheck == passed
        }
        if changed {
            logger.log(
                level: passed ? .info : .warning, passed ? "replica passes its health check again" : "replica fails its health check",
                metadata: ["backend": "\(backendName)", "replica": "\(urls[index])"])
        }
    }

    /// The replicas left out now (ejected or failing their health check), for `/readyz`.
    public func unavailableReplicas(now: ContinuousClock.Instant = .now) -> [String] {
        state.withLock { state in state.replicas.indices.filter { !state.replicas[$0].isAvailable(at: now) }.map { urls[$0] } }
    }

    /// Every replica's health and load now, in configuration order.
    public func replicaStates(now: ContinuousClock.Instant = .now) -> [ReplicaState] {
        state.withLock { state in
            state.replicas.indices.map { index in
                let replica = state.replicas[index]
                return ReplicaState(
                    url: urls[index], available: replica.isAvailable(at: now), outstanding: replica.outstanding,
                    consecutiveFailures: replica.consecutiveFailures, failingHealthCheck: replica.failingHealthCheck,
                    ejectedFor: replica.ejectedUntil.flatMap { $0 > now ? now.duration(to: $0) : nil })
            }
        }
    }

    /// Rendezvous weight of `url` for a session: a 64-bit mix of both, the same in every process.
    static func score(_ affinity: UInt64, _ url: String) -> UInt64 {
        var hash = AffinityHash()
        hash.add(url)
        return AffinityHash.mix(hash.value ^ affinity)
    }
}
