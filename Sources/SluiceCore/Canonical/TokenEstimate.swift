/// A conservative token count for backends that cannot count exactly.
///
/// It errs high (three UTF-8 bytes a token, plus a few tokens a message) because clients such as
/// Claude Code compact their context from this number, and an undercount makes compaction late.
public enum TokenEstimate {
    public static func inputTokens(of request: ChatRequest) -> Int {
        var bytes = 0
        var overhead = 3
        for block in request.system { bytes += block.text.utf8.count }
        for message in request.messages {
            overhead += 4
            for block in message.content { bytes += byteCount(of: block) }
        }
        for tool in request.tools {
            overhead += 8
            bytes += tool.name.utf8.count + (tool.description?.utf8.count ?? 0) + tool.inputSchema.serialized().count
        }
        return overhead + (bytes + 2) / 3
    }

    /// The output tokens of `utf8Count` bytes of generated text, for a response whose usage never
    /// came (a stream cut off before its end): three bytes a token, as for input.
    public static func outputTokens(utf8Count: Int) -> Int {
        (utf8Count + 2) / 3
    }

    /// The bytes of generated text `event` carries: text, thinking and tool-call arguments.
    public static func generatedUTF8Count(of event: StreamEvent) -> Int {
        switch event {
        case .blockDelta(.text(let text)), .blockDelta(.thinking(let text)), .blockDelta(.toolInput(let text)): text.utf8.count
        case .messageStart, .blockStart, .blockStop, .messageEnd, .blockDelta(.signature), .blockDelta(.citation),
            .blockDelta(.responsesOnlyEvent), .blockDelta(.responsesOnlyItem):
            0
        }
    }

    private static func byteCount(of block: ContentBlock) -> Int {
        switch block {
        case .text(let text): text.text.utf8.count
        // Images count as roughly what Anthropic charges for a mid-sized image.
        case .image: 4800
        case .toolUse(let call): call.name.utf8.count + call.input.serialized().count
        case .toolResult(let result): result.content.reduce(0) { $0 + byteCount(of: $1) }
        case .thinking(let thinking): thinking.text.utf8.count
        case .redactedThinking(let data): data.utf8.count / 2
        // A PDF's base64 is no guide to its text; count the block's size like text, which errs high.
        case .anthropicOnly(let block): JSONValue.object(block.anthropicBlock).serialized().count
        case .responsesOnly(let block): JSONValue.object(block.item).serialized().count
        }
    }
}
