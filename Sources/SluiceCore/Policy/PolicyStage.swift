/// One stage of the policy chain that every request and every response passes through:
/// PII scrubbing, rate limits, the response cache, the content policy, or a custom stage.
///
/// A stage itself is shared by all requests of a policy; per-request state lives in the
/// ``PolicySession`` it makes for each request, so no state leaks between requests.
///
/// ```swift
/// struct Shout: PolicyStage {
///     let name = "shout"
///     func makeSession(for context: PolicyContext) -> any PolicySession { ShoutSession() }
/// }
/// ```
public protocol PolicyStage: Sendable {
    /// The name used in policy files, logs and metrics.
    var name: String { get }

    /// The state for one request.
    func makeSession(for context: PolicyContext) -> any PolicySession
}

/// A stage's work on one request, called in this order by the chain:
/// `prepare` once (stages in policy order), `process` for each event going out (stages in reverse
/// order, as Envoy and Bifrost do), and `complete` exactly once at the end, however it ended.
public protocol PolicySession: Sendable {
    /// Before the backend: may rewrite the request, answer it (a cache hit), or refuse it.
    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict

    /// One event on its way to the client. Returns the events to pass on instead: the same event,
    /// rewritten ones, none (held back, to be released later), or a decision to end the stream.
    mutating func process(_ event: StreamEvent) throws -> PolicyOutput

    /// The request is over: settle reservations, store what should be stored.
    mutating func complete(_ outcome: PolicyOutcome) async

    /// Headers this stage adds to the response (rate-limit state, cache status); read after `prepare`.
    var responseHeaders: [(name: String, value: String)] { get }

    /// What the stage did to this request, for the usage record and metrics (e.g. `pii:EMAIL=2`); empty if nothing.
    var actions: [String] { get }
}

extension PolicySession {
    public mutating func process(_ event: StreamEvent) throws -> PolicyOutput { PolicyOutput([event]) }
    public mutating func complete(_ outcome: PolicyOutcome) async {}
    public var responseHeaders: [(name: String, value: String)] { [] }
    public var actions: [String] { [] }
}

/// What a stage decided about a request before it reaches a backend.
public enum PolicyVerdict: Sendable {
    case proceed
    /// Answer without a backend; the response still flows out through the earlier stages.
    case respond(ChatResponse)
    /// Refuse the request with this error.
    case refuse(SluiceError)
}

/// The events a stage passes on for one event, and whether the stream must end now.
public struct PolicyOutput: Sendable {
    public var events: [StreamEvent]
    /// Set to end the stream: the chain closes any open block, ends the message with this stop
    /// reason, and drops the backend's stream, which cancels the upstream generation.
    public var stop: StopReason?

    public init(_ events: [StreamEvent], stop: StopReason? = nil) {
        self.events = events
        self.stop = stop
    }
}

/// How a request ended, as its stages learn in `complete`.
public enum PolicyOutcome: Sendable, Equatable {
    /// The full response went out and ended normally.
    case completed
    /// A stage ended the stream early (e.g. the content policy).
    case stopped(by: String)
    /// The request was refused or failed; nothing complete was sent.
    case failed(SluiceError)
    /// The client went away before the end.
    case abandoned
}

/// A session that lets everything through, for a stage with nothing to do on a request.
public struct PassThroughSession: PolicySession {
    public init() {}

    public mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict { .proceed }
}
