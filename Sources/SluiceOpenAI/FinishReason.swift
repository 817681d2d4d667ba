import SluiceCore

/// OpenAI's `finish_reason` and the canonical ``StopReason``, both ways.
enum FinishReason {
    /// The `finish_reason` an OpenAI client expects for a canonical stop reason.
    static func encode(_ stopReason: StopReason?) -> String {
        switch stopReason {
        case .maxTokens: "length"
        case .toolUse: "tool_calls"
        case .refusal: "content_filter"
        case .endTurn, .stopSequence, .pauseTurn, nil: "stop"
        }
    }

    /// The canonical stop reason for an upstream's `finish_reason`.
    ///
    /// - Parameters:
    ///   - finishReason: the upstream's `finish_reason`, `nil` when it never sent one.
    ///   - stopReason: vLLM's `stop_reason`: the stop string that matched (an integer token id, or
    ///     `null`, for an end-of-sequence token, which is no stop sequence).
    ///   - sawToolCall: whether the answer holds tool calls. Servers disagree on the finish reason
    ///     of a tool call (llama-server and vLLM sometimes say `stop`), and clients run tools only on
    ///     `tool_use`, so the calls themselves decide; `tool_calls` without any call is an end of turn.
    static func decode(_ finishReason: String?, stopReason: JSONValue?, sawToolCall: Bool) -> (StopReason, stopSequence: String?) {
        switch finishReason {
        case "length": return (.maxTokens, nil)
        case "content_filter": return (.refusal, nil)
        default: break
        }
        if sawToolCall { return (.toolUse, nil) }
        if finishReason == "stop", let sequence = stopReason?.stringValue { return (.stopSequence, sequence) }
        return (.endTurn, nil)
    }
}
