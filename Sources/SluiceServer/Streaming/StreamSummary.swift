internal import SluiceCore

/// What a response stream amounted to: the usage it reported, whether it ended or failed, and
/// when asked, the whole answer.
struct StreamSummary: Sendable {
    var usage = Usage()
    var sawEnd = false
    var failure: SluiceError?
    /// The client went away before the end.
    var clientLeft = false
    var reply = ReplyFacts()
    /// Folds the events into the answer, for fronts that keep it (stored responses); `nil` otherwise.
    private var accumulator: ResponseAccumulator?

    init(keepsAnswer: Bool = false) {
        accumulator = keepsAnswer ? ResponseAccumulator() : nil
    }

    /// The answer, when it was kept and the stream ended well.
    var answer: ChatResponse? { try? accumulator?.response() }

    mutating func observe(_ event: StreamEvent) {
        reply.observe(event)
        if accumulator != nil, (try? accumulator?.consume(event)) == nil { accumulator = nil }
        switch event {
        case .messageStart(_, _, let startUsage): usage = startUsage
        case .messageEnd(_, _, let endUsage):
            usage = endUsage
            sawEnd = true
        case .blockStart, .blockDelta, .blockStop: break
        }
    }
}
