internal import SluiceCore
internal import Synchronization

/// The `rate_limit` stage: per-key requests and tokens per minute, concurrent requests, and
/// daily and monthly token quotas, counted in a shared ``RateLimitLedger``.
struct RateLimitStage: PolicyStage {
    let name = "rate_limit"
    let limits: RateLimits
    let ledger: RateLimitLedger

    func makeSession(for context: PolicyContext) -> any PolicySession {
        guard context.purpose != .tokenCount else { return PassThroughSession() }
        return RateLimitSession(limits: limits.overridden(by: context.keyLimits), ledger: ledger, keyID: context.keyID)
    }
}

/// One request under the limits: admitted (with a reservation) or refused in `prepare`,
/// its usage watched in `process`, settled in `complete`.
struct RateLimitSession: PolicySession {
    let limits: RateLimits
    let ledger: RateLimitLedger
    let keyID: String
    private var ticket: RateLimitTicket?
    private var inputEstimate = 0
    private var tally = UsageTally()
    private var refused = false
    private(set) var responseHeaders: [(name: String, value: String)] = []

    init(limits: RateLimits, ledger: RateLimitLedger, keyID: String) {
        self.limits = limits
        self.ledger = ledger
        self.keyID = keyID
    }

    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict {
        guard !limits.isUnlimited else { return .proceed }
        inputEstimate = TokenEstimate.inputTokens(of: request)
        let output = min(max(request.maxTokens ?? RateLimitLedger.outputReservationCap, 0), RateLimitLedger.outputReservationCap)
        let decision = try await ledger.admit(keyID: keyID, limits: limits, estimate: inputEstimate + output)
        responseHeaders = RateLimitHeaders.make(requests: decision.requests, tokens: decision.tokens, now: decision.now)
        if let refusal = decision.refusal {
            refused = true
            return .refuse(refusal)
        }
        ticket = decision.grant.map { RateLimitTicket(ledger: ledger, grant: $0) }
        return .proceed
    }

    mutating func process(_ event: StreamEvent) throws -> PolicyOutput {
        if ticket != nil { tally.observe(event) }
        return PolicyOutput([event])
    }

    mutating func complete(_ outcome: PolicyOutcome) async {
        await ticket?.settle(tokens: tally.tokens(inputEstimate: inputEstimate, outcome: outcome))
        ticket = nil
    }

    var actions: [String] { refused ? ["rate_limit:refused"] : [] }
}

/// An admitted request's hold on the ledger, settled exactly once.
///
/// Sessions are values that the chain may copy; the ticket is the one thing they share. Should
/// a session be dropped without `complete` (a bug elsewhere), the ticket still frees its slot
/// when it goes, charging the reservation, so a key can never be locked out by leaked slots.
final class RateLimitTicket: Sendable {
    private let ledger: RateLimitLedger
    private let grant: RateLimitGrant
    private let pending = Mutex(true)

    init(ledger: RateLimitLedger, grant: RateLimitGrant) {
        self.ledger = ledger
        self.grant = grant
    }

    func settle(tokens: Int) async {
        guard claim() else { return }
        await ledger.settle(grant, tokens: tokens)
    }

    deinit {
        if claim() { ledger.settleDropped(grant, tokens: grant.estimate) }
    }

    /// Whether this call is the one that settles.
    private func claim() -> Bool {
        pending.withLock { pending in
            defer { pending = false }
            return pending
        }
    }
}
