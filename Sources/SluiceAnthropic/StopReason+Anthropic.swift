import SluiceCore

extension StopReason {
    /// Reads an upstream's `stop_reason`. Reasons newer than this code become the nearest known
    /// one rather than an error: the answer itself is still good.
    init?(anthropic value: String?) {
        guard let value else { return nil }
        if let known = StopReason(rawValue: value) {
            self = known
        } else if value == "model_context_window_exceeded" {
            self = .maxTokens
        } else {
            self = .endTurn
        }
    }
}
