internal import SluiceConfig

/// The client-side deadlines of one connection, as a state machine without I/O: the channel
/// handlers tell it what happened and act on the expiry it reports.
///
/// A request's headers must be complete within `headerTimeout` of its first byte (of the
/// connection opening, for the first request), its body may not pause longer than `bodyTimeout`,
/// and a kept-alive connection between requests is closed after `idleTimeout`. While a request
/// is being answered the client owes nothing; the request's own deadline covers that time. Once
/// the server has closed its side, the connection lingers briefly, reading and discarding what
/// the client still sends, so that the client gets the last response instead of a reset.
///
/// Over HTTP/2 the streams keep their own deadlines, and the connection manager closes a
/// connection without streams after `idleTimeout`, but only once the client answers its PING;
/// so a connection without streams is closed here `http2CloseGrace` later, answered or not.
struct ConnectionDeadlines<Instant: InstantProtocol<Duration>> {
    enum Phase: Equatable {
        /// Waiting for a request's headers; `sawBytes` once part of them arrived.
        case awaitingHead(since: Instant, sawBytes: Bool)
        case inRequest(bodyComplete: Bool, responseComplete: Bool, lastProgress: Instant)
        case idle(since: Instant)
        case lingering(since: Instant)
        /// HTTP/2: the streams keep their own deadlines; the connection is quiet while none is open.
        case multiplexed(openStreams: Int, quietSince: Instant)
        case closed
    }

    enum Expiry: Equatable {
        /// The headers did not arrive in time; `partial` when some of them did (a 408 is owed).
        case header(partial: Bool)
        case body
        case idle
        case linger
    }

    /// How long a closed connection keeps draining what the client still sends.
    static var lingerTimeout: Duration { .seconds(2) }
    /// How long an HTTP/2 client has to answer the idle close before the connection is cut.
    static var http2CloseGrace: Duration { .seconds(5) }

    let limits: ConnectionLimits
    private(set) var phase: Phase

    init(limits: ConnectionLimits, openedAt now: Instant) {
        self.limits = limits
        phase = .awaitingHead(since: now, sawBytes: false)
    }

    /// When the current phase expires; `nil` while the server is answering.
    var deadline: Instant? {
        switch phase {
        case .awaitingHead(let since, _): since.advanced(by: limits.headerTimeout)
        case .inRequest(bodyComplete: false, _, let lastProgress): lastProgress.advanced(by: limits.bodyTimeout)
        case .inRequest(bodyComplete: true, _, _): nil
        case .idle(let since): since.advanced(by: limits.idleTimeout)
        case .lingering(let since): since.advanced(by: Self.lingerTimeout)
        case .multiplexed(0, let quietSince): quietSince.advanced(by: limits.idleTimeout + Self.http2CloseGrace)
        case .multiplexed, .closed: nil
        }
    }

    var isLingering: Bool {
        if case .lingering = phase { return true }
        return false
    }

    var isMultiplexed: Bool {
        if case .multiplexed = phase { return true }
        return false
    }

    mutating func bytesReceived(at now: Instant) {
        switch phase {
        case .awaitingHead(let since, false): phase = .awaitingHead(since: since, sawBytes: true)
        case .idle: phase = .awaitingHead(since: now, sawBytes: true)
        case .inRequest(false, let responseComplete, _):
            phase = .inRequest(bodyComplete: false, responseComplete: responseComplete, lastProgress: now)
        case .awaitingHead, .inRequest, .lingering, .multiplexed, .closed: break
        }
    }

    mutating func headReceived(at now: Instant) {
        guard !isLingering, !isMultiplexed, phase != .closed else { return }
        phase = .inRequest(bodyComplete: false, responseComplete: false, lastProgress: now)
    }

    mutating func requestEnded(at now: Instant) {
        guard case .inRequest(_, let responseComplete, _) = phase else { return }
        phase = responseComplete ? .idle(since: now) : .inRequest(bodyComplete: true, responseComplete: false, lastProgress: now)
    }

    mutating func responseEnded(at now: Instant) {
        guard case .inRequest(let bodyComplete, _, let lastProgress) = phase else { return }
        // A response may go out before its request's body was read (an early 413 or 401); the
        // rest of the body is still owed, on the same clock.
        phase = bodyComplete ? .idle(since: now) : .inRequest(bodyComplete: false, responseComplete: true, lastProgress: lastProgress)
    }

    mutating func outputClosed(at now: Instant) {
        guard !isLingering, phase != .closed else { return }
        phase = .lingering(since: now)
    }

    /// HTTP/2 was negotiated (before any request, so the handshake kept to the header timeout).
    mutating func multiplexed(at now: Instant) {
        guard case .awaitingHead = phase else { return }
        phase = .multiplexed(openStreams: 0, quietSince: now)
    }

    mutating func streamOpened() {
        guard case .multiplexed(let openStreams, let quietSince) = phase else { return }
        phase = .multiplexed(openStreams: openStreams + 1, quietSince: quietSince)
    }

    mutating func streamClosed(at now: Instant) {
        guard case .multiplexed(let openStreams, _) = phase, openStreams > 0 else { return }
        phase = .multiplexed(openStreams: openStreams - 1, quietSince: now)
    }

    mutating func closed() {
        phase = .closed
    }

    /// The expiry due at `now`, if any. A body timeout is reported once.
    mutating func expire(at now: Instant) -> Expiry? {
        guard let deadline, now >= deadline else { return nil }
        switch phase {
        case .awaitingHead(_, let sawBytes):
            // Partial headers get a 408 before the close, and the connection lingers.
            phase = sawBytes ? .lingering(since: now) : .closed
            return .header(partial: sawBytes)
        case .inRequest(_, let responseComplete, let lastProgress):
            // Unanswered, the request now gets its 408 and the connection closes after it; answered,
            // nothing more is owed and the connection goes.
            phase =
                responseComplete
                ? .lingering(since: now) : .inRequest(bodyComplete: true, responseComplete: false, lastProgress: lastProgress)
            return .body
        case .idle, .multiplexed:
            phase = .closed
            return .idle
        case .lingering:
            phase = .closed
            return .linger
        case .closed: return nil
        }
    }
}
