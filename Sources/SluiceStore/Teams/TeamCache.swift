internal import Foundation
internal import Synchronization

/// Remembers teams for a moment, as ``AuthenticationCache`` remembers keys, so a busy team
/// costs one read every `maximumAge`; a change made with the CLI is seen within that age.
public final class TeamCache: Sendable {
    private struct Entry {
        let team: Team?
        let fetched: ContinuousClock.Instant
    }

    private let store: any GatewayStore
    private let maximumAge: Duration
    private let maximumEntries = 10_000
    private let entries = Mutex<[String: Entry]>([:])

    public init(store: any GatewayStore, maximumAge: Duration = .milliseconds(500)) {
        self.store = store
        self.maximumAge = maximumAge
    }

    /// The team named `name`, or `nil` when it no longer exists.
    public func team(named name: String, instant: ContinuousClock.Instant = .now) async throws -> Team? {
        if let entry = entries.withLock({ $0[name] }), instant - entry.fetched < maximumAge { return entry.team }
        let team = try await store.team(named: name)
        entries.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[name] = Entry(team: team, fetched: instant)
        }
        return team
    }
}
