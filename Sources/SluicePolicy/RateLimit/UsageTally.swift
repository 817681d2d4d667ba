internal import SluiceCore

/// What a response has shown of its token usage so far, for settling a reservation.
struct UsageTally: Sendable {
    private var start: Usage?
    private var end: Usage?
    private var outputBytes = 0

    mutating func observe(_ event: StreamEvent) {
        switch event {
        case .messageStart(_, _, let usage): start = usage
        case .messageEnd(_, _, let usage): end = usage
        case .blockStart, .blockDelta, .blockStop: outputBytes += TokenEstimate.generatedUTF8Count(of: event)
        }
    }

    /// The tokens to charge once the request is over.
    ///
    /// - The usage of the message's end, when it came (whatever the outcome).
    /// - After a start without an end (an interrupted stream): the input the start reported (or
    ///   the estimate, if it reported none) and the output seen, at three bytes a token.
    /// - Nothing seen: the input estimate when the client went away (the upstream may have read
    ///   the prompt, and hanging up must not make prefill free); nothing when the request failed
    ///   or was refused before any answer, as providers do not bill those.
    func tokens(inputEstimate: Int, outcome: PolicyOutcome) -> Int {
        if let end { return Self.countable(end) }
        if let start {
            let input = Self.countable(start)
            return (input > 0 ? input : inputEstimate) + TokenEstimate.outputTokens(utf8Count: outputBytes)
        }
        return outcome == .abandoned ? inputEstimate : 0
    }

    /// The tokens limits count: input, cache writes and output. Cache reads are left out, as
    /// Anthropic leaves them out of its input limits: they cost a tenth, and counting them would
    /// throttle exactly the clients (Claude Code) that reuse a long cached prefix.
    static func countable(_ usage: Usage) -> Int {
        usage.inputTokens + usage.cacheCreationInputTokens + usage.outputTokens
    }
}
