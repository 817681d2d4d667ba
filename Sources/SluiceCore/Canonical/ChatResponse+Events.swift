extension ChatResponse {
    /// The response as a well-formed event stream, for answering a streaming client from a
    /// complete response (a cache hit, a non-streaming upstream).
    public var events: [StreamEvent] {
        var events: [StreamEvent] = [
            .messageStart(
                id: id, model: model,
                usage: Usage(
                    inputTokens: usage.inputTokens, outputTokens: 0,
                    cacheReadInputTokens: usage.cacheReadInputTokens,
                    cacheCreationInputTokens: usage.cacheCreationInputTokens))
        ]
        for block in content {
            switch block {
            case .text(let text):
                events.append(.blockStart(.text))
                if !text.text.isEmpty { events.append(.blockDelta(.text(text.text))) }
                events += text.citations.map { .blockDelta(.citation($0)) }
            case .thinking(let thinking):
                events.append(.blockStart(.thinking))
                if !thinking.text.isEmpty { events.append(.blockDelta(.thinking(thinking.text))) }
                if let signature = thinking.signature { events.append(.blockDelta(.signature(signature))) }
            case .redactedThinking(let data):
                events.append(.blockStart(.redactedThinking(data: data)))
            case .toolUse(let call):
                events.append(.blockStart(.toolUse(id: call.id, name: call.name)))
                events.append(.blockDelta(.toolInput(partialJSON: call.input.serializedString())))
            case .anthropicOnly(let block):
                var start = block.anthropicBlock
                let input = start["input"]
                if input != nil { start["input"] = .object(JSONObject()) }
                events.append(.blockStart(.anthropicOnly(start)))
                if let input, input != .object(JSONObject()) {
                    events.append(.blockDelta(.toolInput(partialJSON: input.serializedString())))
                }
            case .responsesOnly(let block):
                // Started as finished: a replay has no progress to report.
                events.append(.blockStart(.responsesOnly(block.item)))
            case .image, .toolResult:
                continue  // never part of a model's answer
            }
            events.append(.blockStop)
        }
        events.append(.messageEnd(stopReason: stopReason, stopSequence: stopSequence, usage: usage))
        return events
    }
}
