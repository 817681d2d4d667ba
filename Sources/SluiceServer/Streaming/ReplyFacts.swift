internal import SluiceCore

/// What an answer's events said about it, for its span and the GenAI metrics: the model that
/// answered, why it stopped, and when its first generated content went out.
struct ReplyFacts: Sendable {
    var model: String?
    var id: String?
    var stopReason: StopReason?
    var firstTokenAt: ContinuousClock.Instant?

    mutating func observe(_ event: StreamEvent) {
        switch event {
        case .messageStart(let id, let model, _):
            self.id = id
            self.model = model
        case .blockDelta:
            if firstTokenAt == nil { firstTokenAt = .now }
        case .messageEnd(let stopReason, _, _): self.stopReason = stopReason
        case .blockStart, .blockStop: break
        }
    }
}
