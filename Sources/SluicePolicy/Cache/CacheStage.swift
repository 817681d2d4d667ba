internal import SluiceCore

/// The `cache` stage: answers a request seen before with the stored response, and stores
/// complete, clean responses for next time.
struct CacheStage: PolicyStage {
    let name = "cache"
    let settings: CacheSettings
    let cache: ResponseCache

    func makeSession(for context: PolicyContext) -> any PolicySession {
        guard settings.enabled, context.purpose == .generation else { return PassThroughSession() }
        return CacheSession(
            cache: cache, bounds: settings.bounds,
            scope: settings.scope == .shared ? "shared" : "key:\(context.keyID)", bypass: context.bypassCache)
    }
}

/// One request's use of the cache.
///
/// `prepare` hashes the request as the earlier stages left it (scrubbed by `pii`, so the key
/// never holds a secret) and answers with a hit. On a miss, or when the client sent
/// `cache-control: no-cache` (a bypass: no lookup, but the fresh answer is stored, replacing
/// any older one), `process` accumulates the response and `complete(.completed)` stores it,
/// unless its stop reason is `refusal`. Any other outcome — stopped by a stage, failed,
/// abandoned — or a malformed stream stores nothing.
struct CacheSession: PolicySession {
    private enum Status: String {
        case pending
        case hit
        case miss
        case bypass
    }

    let cache: ResponseCache
    let bounds: CacheBounds
    let scope: String
    let bypass: Bool
    private var key = ""
    private var status = Status.pending
    private var accumulator = ResponseAccumulator()
    private var storable = true
    private var stored = false

    init(cache: ResponseCache, bounds: CacheBounds, scope: String, bypass: Bool) {
        self.cache = cache
        self.bounds = bounds
        self.scope = scope
        self.bypass = bypass
    }

    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict {
        key = CacheKey.make(for: request, scope: scope)
        if bypass {
            status = .bypass
            return .proceed
        }
        guard var response = await cache.response(forKey: key, bounds: bounds) else {
            status = .miss
            return .proceed
        }
        status = .hit
        response.id = Identifiers.messageID()
        return .respond(response)
    }

    mutating func process(_ event: StreamEvent) throws -> PolicyOutput {
        if storable, status == .miss || status == .bypass {
            do { try accumulator.consume(event) } catch { storable = false }
        }
        return PolicyOutput([event])
    }

    mutating func complete(_ outcome: PolicyOutcome) async {
        guard outcome == .completed, storable, status == .miss || status == .bypass,
            let response = try? accumulator.response(), response.stopReason != .refusal
        else { return }
        stored = await cache.store(response, forKey: key, bounds: bounds)
    }

    var responseHeaders: [(name: String, value: String)] {
        status == .pending ? [] : [("x-sluice-cache", status.rawValue)]
    }

    /// `cache:hit`, `cache:miss` or `cache:bypass`, then `cache:store` once stored.
    var actions: [String] {
        guard status != .pending else { return [] }
        return ["cache:\(status.rawValue)"] + (stored ? ["cache:store"] : [])
    }
}
