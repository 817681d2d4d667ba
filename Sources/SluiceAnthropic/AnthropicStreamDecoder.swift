public import SluiceCore

/// Decodes an Anthropic-compatible upstream's server-sent events into canonical events.
///
/// A value-type state machine, one per upstream response. Block indices are dropped (the fronts
/// renumber blocks); server tools' calls and results pass as Anthropic-only blocks, citations as
/// deltas of their text; blocks Sluice cannot represent are skipped with their deltas. `message_delta` is remembered and becomes, with `message_stop`,
/// one `messageEnd`, its usage merged over what `message_start` said.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// var decoder = AnthropicStreamDecoder()
/// for event in try parser.feed(chunk) { events += try decoder.decode(event) }
/// events += try decoder.finish()  // at end of input
/// ```
public struct AnthropicStreamDecoder: Sendable {
    private enum Phase: Sendable {
        case awaitingStart
        case streaming
        case finished
    }

    private enum BlockKind: Sendable {
        case text
        case thinking
        case redactedThinking
        case toolUse
        case anthropicOnly
    }

    private struct OpenBlock: Sendable {
        /// The upstream's index, to tell this block's deltas from those of a skipped block.
        var index: Int?
        var kind: BlockKind
        /// Arguments a server put in `content_block_start` instead of streaming them.
        var startInput: String?
        var sawInput = false
    }

    private var phase = Phase.awaitingStart
    private var open: OpenBlock?
    private var usage = Usage()
    private var stopReason: StopReason?
    private var stopSequence: String?

    public init() {}

    /// The canonical events for one upstream event.
    ///
    /// - Throws: The upstream's error for an `error` event; `upstreamFailed` for an event that is
    ///   not JSON or not of the expected shape.
    public mutating func decode(_ event: ServerSentEvent) throws(SluiceError) -> [StreamEvent] {
        guard phase != .finished, event.event != "ping" else { return [] }
        guard let data = try? JSONParser.parse(event.data) else {
            if event.event == "error" { throw .upstreamFailed("upstream reported an error") }
            throw .upstreamFailed("upstream sent a stream event that is not JSON")
        }
        // The SDKs dispatch on the event name; a server that sends only `data:` still names the type.
        let name = event.event ?? data["type"]?.stringValue ?? ""
        if name == "error" { throw AnthropicUpstreamError.reportedError(data) }
        return try AnthropicUpstreamError.decodingUpstream("\(name) event") { () throws(SluiceError) in
            try decode(name, JSONCursor(root: data))
        }
    }

    /// Call at the end of the upstream's body.
    ///
    /// - Throws: `upstreamFailed` when the stream ended before `message_stop`.
    public mutating func finish() throws(SluiceError) -> [StreamEvent] {
        guard phase == .finished else { throw .upstreamFailed("upstream stream ended early") }
        return []
    }

    private mutating func decode(_ name: String, _ root: JSONCursor) throws(SluiceError) -> [StreamEvent] {
        switch name {
        case "message_start":
            guard phase == .awaitingStart else { return [] }
            let message = try root.required("message")
            if let field = try message.optional("usage") { try usage.merge(anthropic: field) }
            phase = .streaming
            return [
                .messageStart(
                    id: try message.optional("id")?.string() ?? Identifiers.messageID(),
                    model: try message.optional("model")?.string() ?? "",
                    usage: usage
                )
            ]
        case "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop":
            guard phase == .streaming else { throw .upstreamFailed("upstream sent \(name) before message_start") }
        default:
            return []  // events newer than this code
        }

        switch name {
        case "content_block_start":
            return try blockStart(root)
        case "content_block_delta":
            guard let block = open, try isOpenBlock(root) else { return [] }
            return try blockDelta(root.required("delta"), in: block)
        case "content_block_stop":
            guard try isOpenBlock(root) else { return [] }
            return closeBlock()
        case "message_delta":
            if let delta = try root.optional("delta") {
                if let reason = try delta.optional("stop_reason") { stopReason = StopReason(anthropic: try reason.string()) }
                if let sequence = try delta.optional("stop_sequence") { stopSequence = try sequence.string() }
            }
            if let field = try root.optional("usage") { try usage.merge(anthropic: field) }
            return []
        default:  // message_stop
            phase = .finished
            return closeBlock() + [.messageEnd(stopReason: stopReason, stopSequence: stopSequence, usage: usage)]
        }
    }

    private mutating func blockStart(_ root: JSONCursor) throws(SluiceError) -> [StreamEvent] {
        var events = closeBlock()  // a server that forgot a stop
        let index = try root.optional("index")?.int()
        let block = try root.required("content_block")
        switch try block.required("type").string() {
        case "text":
            open = OpenBlock(index: index, kind: .text)
            events.append(.blockStart(.text))
            if let text = try block.optional("text")?.string(), !text.isEmpty { events.append(.blockDelta(.text(text))) }
            for citation in try block.optional("citations")?.array() ?? [] { events.append(.blockDelta(.citation(citation.value))) }
        case "thinking":
            open = OpenBlock(index: index, kind: .thinking)
            events.append(.blockStart(.thinking))
            if let text = try block.optional("thinking")?.string(), !text.isEmpty { events.append(.blockDelta(.thinking(text))) }
            if let signature = try block.optional("signature")?.string(), !signature.isEmpty {
                events.append(.blockDelta(.signature(signature)))
            }
        case "redacted_thinking":
            open = OpenBlock(index: index, kind: .redactedThinking)
            events.append(.blockStart(.redactedThinking(data: try block.required("data").string())))
        case "tool_use":
            let input = try block.optional("input")?.object() ?? JSONObject()
            open = OpenBlock(index: index, kind: .toolUse, startInput: input.isEmpty ? nil : JSONValue.object(input).serializedString())
            events.append(.blockStart(.toolUse(id: try block.required("id").string(), name: try block.required("name").string())))
        case let type where AnthropicContentDecoder.isAnthropicOnly(type):
            open = OpenBlock(index: index, kind: .anthropicOnly)
            events.append(.blockStart(.anthropicOnly(try block.object())))
        default:
            break  // a block Sluice cannot represent: it and its deltas are skipped
        }
        return events
    }

    /// Deltas of the open block's kind. The empty first `partial_json` of a tool call and an empty
    /// signature carry nothing and are dropped.
    private mutating func blockDelta(_ delta: JSONCursor, in block: OpenBlock) throws(SluiceError) -> [StreamEvent] {
        switch (block.kind, try delta.required("type").string()) {
        case (.text, "text_delta"):
            let text = try delta.required("text").string()
            return text.isEmpty ? [] : [.blockDelta(.text(text))]
        case (.thinking, "thinking_delta"):
            let text = try delta.required("thinking").string()
            return text.isEmpty ? [] : [.blockDelta(.thinking(text))]
        case (.thinking, "signature_delta"):
            let signature = try delta.required("signature").string()
            return signature.isEmpty ? [] : [.blockDelta(.signature(signature))]
        case (.toolUse, "input_json_delta"), (.anthropicOnly, "input_json_delta"):
            let fragment = try delta.required("partial_json").string()
            guard !fragment.isEmpty else { return [] }
            open?.sawInput = true
            return [.blockDelta(.toolInput(partialJSON: fragment))]
        case (.text, "citations_delta"):
            return [.blockDelta(.citation(try delta.required("citation").value))]
        default:
            return []  // deltas that do not fit the block
        }
    }

    private mutating func closeBlock() -> [StreamEvent] {
        guard let block = open else { return [] }
        open = nil
        if block.kind == .toolUse, !block.sawInput, let input = block.startInput {
            return [.blockDelta(.toolInput(partialJSON: input)), .blockStop]
        }
        return [.blockStop]
    }

    /// Whether a delta or stop belongs to the open block rather than to a skipped one.
    private func isOpenBlock(_ root: JSONCursor) throws(SluiceError) -> Bool {
        guard let block = open else { return false }
        guard let index = try root.optional("index")?.int(), let openIndex = block.index else { return true }
        return index == openIndex
    }
}
