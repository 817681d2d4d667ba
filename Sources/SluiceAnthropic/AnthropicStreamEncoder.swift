public import SluiceCore

/// Encodes one response's canonical events as Anthropic server-sent events.
///
/// A value-type state machine, one per response stream, so nothing is shared between streams.
/// It numbers blocks 0, 1, 2 … as it opens them, and it repairs rather than forwards a stream
/// that is out of shape, because the SDKs and Claude Code fail hard on one ("Content block not
/// found"): a block opened while another is open first closes that one, a delta with no open
/// block or of the wrong kind is dropped, a missing `message_start` is supplied. It also adds
/// what clients expect and canonical streams need not carry: the empty first `input_json_delta`
/// of a tool call, `{}` for a call without arguments, and a `signature_delta` for every thinking block.
public struct AnthropicStreamEncoder: Sendable {
    private enum Phase: Sendable {
        case idle
        case streaming
        /// After `message_stop` or an error: the stream is over for the client.
        case finished
    }

    private enum BlockKind: Sendable {
        case text
        case thinking
        case redactedThinking
        case toolUse
        /// A server tool's call or result, started as Anthropic started it; a call's input follows.
        case anthropicOnly
    }

    private struct OpenBlock: Sendable {
        var index: Int
        var kind: BlockKind
        /// Whether a thinking block got its signature, or a tool call a non-empty argument fragment.
        var completed = false
    }

    private var phase = Phase.idle
    private var nextIndex = 0
    private var open: OpenBlock?

    public init() {}

    /// Sent while the model is busy (prefill, long thinking) so clients and proxies do not time out.
    public static let ping = ServerSentEvent(event: "ping", data: #"{"type":"ping"}"#)

    /// The frames for `event`, in order; none once the stream has ended.
    public mutating func encode(_ event: StreamEvent) -> [ServerSentEvent] {
        guard phase != .finished else { return [] }
        var frames: [ServerSentEvent] = []
        switch event {
        case .messageStart(let id, let model, let usage):
            // A second start would make the client begin a new message mid-stream.
            guard phase == .idle else { return [] }
            frames.append(messageStart(id: id, model: model, usage: usage))
        case .blockStart(let start):
            frames += startIfNeeded()
            frames += closeBlock()
            frames += openBlock(start)
        case .blockDelta(let delta):
            frames += self.delta(delta)
        case .blockStop:
            frames += closeBlock()
        case .messageEnd(let stopReason, let stopSequence, let usage):
            frames += startIfNeeded()
            frames += closeBlock()
            frames.append(Self.messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: usage))
            frames.append(Self.frame("message_stop"))
            phase = .finished
        }
        return frames
    }

    /// Ends the stream after a failure: closes the open block, then sends an `error` event with the
    /// same object an error response would carry, which the SDKs raise.
    public mutating func fail(_ error: SluiceError) -> [ServerSentEvent] {
        guard phase != .finished else { return [] }
        var frames = closeBlock()
        frames.append(ServerSentEvent(event: "error", data: error.anthropicJSON.serializedString()))
        phase = .finished
        return frames
    }

    private mutating func messageStart(id: String, model: String, usage: Usage) -> ServerSentEvent {
        phase = .streaming
        var message = JSONObject()
        message["id"] = .string(id)
        message["type"] = "message"
        message["role"] = "assistant"
        message["model"] = .string(model)
        message["content"] = []
        message["stop_reason"] = .null
        message["stop_sequence"] = .null
        message["usage"] = usage.anthropicJSON
        return Self.frame("message_start", ("message", .object(message)))
    }

    /// `message_delta` repeats the input counts, which the SDKs then take over those of `message_start`.
    private static func messageDelta(stopReason: StopReason?, stopSequence: String?, usage: Usage) -> ServerSentEvent {
        let delta: JSONValue = [
            "stop_reason": stopReason.map { .string($0.rawValue) } ?? .null,
            "stop_sequence": stopSequence.map(JSONValue.string) ?? .null,
        ]
        let counts: JSONValue = [
            "output_tokens": .integer(usage.outputTokens),
            "input_tokens": .integer(usage.inputTokens),
            "cache_read_input_tokens": .integer(usage.cacheReadInputTokens),
            "cache_creation_input_tokens": .integer(usage.cacheCreationInputTokens),
        ]
        return frame("message_delta", ("delta", delta), ("usage", counts))
    }

    private mutating func startIfNeeded() -> [ServerSentEvent] {
        guard phase == .idle else { return [] }
        return [messageStart(id: Identifiers.messageID(), model: "", usage: Usage())]
    }

    private mutating func openBlock(_ start: BlockStart) -> [ServerSentEvent] {
        let contentBlock: JSONValue
        let kind: BlockKind
        switch start {
        case .text:
            (kind, contentBlock) = (.text, ["type": "text", "text": ""])
        case .thinking:
            (kind, contentBlock) = (.thinking, ["type": "thinking", "thinking": "", "signature": ""])
        case .redactedThinking(let data):
            (kind, contentBlock) = (.redactedThinking, ["type": "redacted_thinking", "data": .string(data)])
        case .toolUse(let id, let name):
            (kind, contentBlock) = (.toolUse, ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]])
        case .anthropicOnly(let block):
            (kind, contentBlock) = (.anthropicOnly, .object(block))
        case .responsesOnly:
            // A Responses upstream's built-in tool call has no Anthropic form: with no block
            // open, its deltas and stop send nothing, and the indices stay 0, 1, 2 …
            return []
        }
        let index = nextIndex
        nextIndex += 1
        open = OpenBlock(index: index, kind: kind)
        var frames = [Self.frame("content_block_start", ("index", .integer(index)), ("content_block", contentBlock))]
        if kind == .toolUse { frames.append(deltaFrame(index, ["type": "input_json_delta", "partial_json": ""])) }
        return frames
    }

    private mutating func delta(_ delta: BlockDelta) -> [ServerSentEvent] {
        guard var block = open else { return [] }
        let payload: JSONValue
        switch (block.kind, delta) {
        case (.text, .text(let text)) where !text.isEmpty:
            payload = ["type": "text_delta", "text": .string(text)]
        case (.thinking, .thinking(let text)) where !text.isEmpty:
            payload = ["type": "thinking_delta", "thinking": .string(text)]
        case (.thinking, .signature(let signature)):
            payload = ["type": "signature_delta", "signature": .string(signature)]
            block.completed = true
        case (.toolUse, .toolInput(let fragment)) where !fragment.isEmpty,
            (.anthropicOnly, .toolInput(let fragment)) where !fragment.isEmpty:
            payload = ["type": "input_json_delta", "partial_json": .string(fragment)]
            block.completed = true
        case (.text, .citation(let citation)) where CitationProtocol(of: citation) == .anthropic:
            payload = ["type": "citations_delta", "citation": citation]
        default:
            return []  // empty, or not of the open block's kind
        }
        open = block
        return [deltaFrame(block.index, payload)]
    }

    private mutating func closeBlock() -> [ServerSentEvent] {
        guard let block = open else { return [] }
        open = nil
        var frames: [ServerSentEvent] = []
        switch (block.kind, block.completed) {
        case (.thinking, false): frames.append(deltaFrame(block.index, ["type": "signature_delta", "signature": ""]))
        case (.toolUse, false): frames.append(deltaFrame(block.index, ["type": "input_json_delta", "partial_json": "{}"]))
        default: break
        }
        frames.append(Self.frame("content_block_stop", ("index", .integer(block.index))))
        return frames
    }

    private func deltaFrame(_ index: Int, _ delta: JSONValue) -> ServerSentEvent {
        Self.frame("content_block_delta", ("index", .integer(index)), ("delta", delta))
    }

    /// An event named `type` whose data is compact JSON with `type` first, as Anthropic sends it.
    private static func frame(_ type: String, _ fields: (String, JSONValue)...) -> ServerSentEvent {
        let data = JSONValue.object(JSONObject([("type", .string(type))] + fields))
        return ServerSentEvent(event: type, data: data.serializedString())
    }
}
