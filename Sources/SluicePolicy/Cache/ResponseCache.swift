public import Foundation
internal import Logging
internal import SluiceCore
internal import Synchronization

/// Complete responses by the hash of the request they answer, shared by all policies and kept
/// across policy reloads and restarts.
///
/// The server creates one with the store and hands it to stages through
/// ``SluiceCore/PolicyEnvironment`` under ``serviceName``:
///
/// ```swift
/// let cache = ResponseCache(store: store)
/// let environment = PolicyEnvironment(services: [ResponseCache.serviceName: cache])
/// ```
///
/// Entries live in the database (`response_cache`, shared by replicas on PostgreSQL) behind an in-memory LRU front of decoded
/// responses, so a hot entry costs no database read. Bounds come from the policy that uses
/// the cache: an entry older than its `ttl` is a miss, and each store evicts the least recently
/// used entries until the whole store is within `max_entries` and `max_bytes` (sizes of the
/// stored JSON). Policies with different bounds sharing the database each enforce their own
/// when they store.
///
/// Hits write nothing: when each entry was last used is remembered in memory and written with
/// the next store, just before eviction needs it. A crash loses those times, not entries.
public final class ResponseCache: Sendable {
    /// The name under which the server registers the cache in the policy environment.
    public static let serviceName = "response_cache"

    private struct Front: Sendable {
        var entries = LeastRecentlyUsed<Entry>()
        /// Hits not yet written to the database: key → when.
        var touches: [String: Date] = [:]
    }

    private struct Entry: Sendable {
        var response: ChatResponse
        var createdAt: Date
    }

    private let store: (any PolicyStore)?
    private let memoryEntries: Int
    private let memoryBytes: Int
    private let now: @Sendable () -> Date
    private let front = Mutex(Front())
    private let logger = Logger(label: "sluice.policy.cache")

    /// - Parameters:
    ///   - store: where entries are kept; `nil` keeps them in memory only, bounded by the
    ///     policy's `max_entries` and `max_bytes`.
    ///   - memoryEntries: most entries the memory front holds when there is a database.
    ///   - memoryBytes: most bytes (of stored JSON) the memory front holds when there is a database.
    ///   - now: the clock, replaceable in tests.
    public init(
        store: (any PolicyStore)?, memoryEntries: Int = 1024, memoryBytes: Int = 64 << 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.memoryEntries = store == nil ? .max : memoryEntries
        self.memoryBytes = store == nil ? .max : memoryBytes
        self.now = now
    }

    /// The response stored under `key` if it is younger than the bounds' `ttl`, with the id it was stored with.
    /// A database that cannot be read is a miss.
    func response(forKey key: String, bounds: CacheBounds) async -> ChatResponse? {
        let now = now()
        let oldest = now.addingTimeInterval(-bounds.ttl)
        let remembered: ChatResponse?? = front.withLock { front in
            guard let entry = front.entries.value(forKey: key) else { return .none }
            guard entry.createdAt >= oldest else {
                front.entries.removeValue(forKey: key)
                return .some(nil)
            }
            if store != nil { front.touches[key] = now }
            return .some(entry.response)
        }
        if let remembered { return remembered }
        guard let store else { return nil }

        let record: CachedResponseRecord?
        do {
            record = try await store.cachedResponse(forKey: key)
        } catch {
            logger.error("could not read the response cache", metadata: ["error": "\(error)"])
            return nil
        }
        guard let record, record.createdAt >= oldest else { return nil }
        guard let response = CachedResponseCoding.decode(record.body, id: "") else {
            try? await store.removeCachedResponse(forKey: key)
            return nil
        }
        front.withLock { front in
            front.entries.insert(Entry(response: response, createdAt: record.createdAt), forKey: key, cost: record.size)
            front.entries.evict(maxCount: min(bounds.maxEntries, memoryEntries), maxCost: min(bounds.maxBytes, memoryBytes))
            front.touches[key] = now
        }
        return response
    }

    /// Stores `response` under `key` and evicts what no longer fits.
    /// - Returns: whether it was stored (not when it alone exceeds `max_bytes`, or the database failed).
    @discardableResult
    func store(_ response: ChatResponse, forKey key: String, bounds: CacheBounds) async -> Bool {
        let body = CachedResponseCoding.encode(response)
        let size = body.utf8.count
        guard size <= bounds.maxBytes else { return false }
        let now = now()
        let touches = front.withLock { front in
            front.entries.insert(Entry(response: response, createdAt: now), forKey: key, cost: size)
            front.entries.evict(maxCount: min(bounds.maxEntries, memoryEntries), maxCost: min(bounds.maxBytes, memoryBytes))
            defer { front.touches = [:] }
            return front.touches
        }
        guard let store else { return true }
        do {
            let removed = try await store.storeCachedResponse(
                CachedResponseRecord(cacheKey: key, body: body, createdAt: now), touches: touches,
                expiredBefore: now.addingTimeInterval(-bounds.ttl), maxEntries: bounds.maxEntries, maxBytes: bounds.maxBytes)
            front.withLock { front in
                for key in removed { front.entries.removeValue(forKey: key) }
            }
            return true
        } catch {
            logger.error("could not store in the response cache", metadata: ["error": "\(error)"])
            front.withLock { front in front.entries.removeValue(forKey: key) }
            return false
        }
    }
}

/// A policy's bounds on the cache.
struct CacheBounds: Sendable, Hashable {
    /// Seconds an entry stays fresh.
    var ttl: TimeInterval
    var maxEntries: Int
    var maxBytes: Int
}
