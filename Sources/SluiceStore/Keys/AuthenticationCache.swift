public import Foundation
internal import SluiceCrypto
internal import Synchronization

/// Remembers recent authentication results for a moment, so a busy key costs one SQLite read
/// every `maximumAge` instead of one per request.
///
/// Entries are keyed by the key's SHA-256, never the key itself. A revocation or rotation made
/// with the CLI is seen once the entry is older than `maximumAge` (half a second by default), well
/// within the second the gateway promises; an expiry time passing is seen at once.
public final class AuthenticationCache: Sendable {
    private struct Entry {
        let result: Result<APIKey, KeyRejection>
        let fetched: ContinuousClock.Instant
    }

    private let store: any GatewayStore
    private let maximumAge: Duration
    private let maximumEntries = 10_000
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    public init(store: any GatewayStore, maximumAge: Duration = .milliseconds(500)) {
        self.store = store
        self.maximumAge = maximumAge
    }

    /// - Parameters:
    ///   - now: the wall-clock time, for expiries.
    ///   - instant: the monotonic time, for the cache's age.
    public func authenticate(
        secret: String, now: Date = Date(), instant: ContinuousClock.Instant = .now
    ) async throws -> Result<APIKey, KeyRejection> {
        let hash = SHA256.digest(secret)
        let clock = instant
        if let entry = entries.withLock({ $0[hash] }), clock - entry.fetched < maximumAge {
            if case .success(let key) = entry.result, let expiresAt = key.expiresAt, expiresAt <= now { return .failure(.expired) }
            return entry.result
        }
        let result = try await store.authentication(of: secret, now: now)
        entries.withLock { entries in
            // Unknown keys are cached too (a client retrying a bad key costs nothing), but the
            // map stays bounded: at the limit it starts over.
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(result: result, fetched: clock)
        }
        return result
    }
}
