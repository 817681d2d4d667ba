/// Folds a canonical event stream into a ``ChatResponse``, checking that the stream is well formed.
///
/// Non-streaming requests run through the same event path as streaming ones; this is where their
/// events become one response. It is a value type fed one event at a time, so it is tested without I/O.
public struct ResponseAccumulator: Sendable {
    private enum OpenBlock: Sendable {
        case text
        case thinking
        case redactedThinking(String)
        case toolUse(id: String, name: String)
        case anthropicOnly(JSONObject)
        case responsesOnly(JSONObject)
    }

    private var id = ""
    private var model = ""
    private var started = false
    private var content: [ContentBlock] = []
    private var open: OpenBlock?
    /// Text, thinking or tool-argument JSON of the open block, appended to in place.
    private var openBuffer = ""
    private var openSignature: String?
    private var openCitations: [JSONValue] = []
    private var usage = Usage()
    private var stopReason: StopReason?
    private var stopSequence: String?
    public private(set) var isFinished = false

    public init() {}

    public mutating func consume(_ event: StreamEvent) throws(SluiceError) {
        switch event {
        case .messageStart(let id, let model, let usage):
            guard !started else { throw malformed("a second message start") }
            started = true
            self.id = id
            self.model = model
            self.usage = usage
        case .blockStart(let start):
            guard started, !isFinished else { throw malformed("a block outside a message") }
            guard open == nil else { throw malformed("a block opened before the previous one stopped") }
            switch start {
            case .text: open = .text
            case .thinking: open = .thinking
            case .redactedThinking(let data): open = .redactedThinking(data)
            case .toolUse(let id, let name): open = .toolUse(id: id, name: name)
            case .anthropicOnly(let block): open = .anthropicOnly(block)
            case .responsesOnly(let item): open = .responsesOnly(item)
            }
            openBuffer = ""
            openSignature = nil
            openCitations = []
        case .blockDelta(let delta):
            switch (open, delta) {
            case (.text?, .text(let more)), (.thinking?, .thinking(let more)), (.toolUse?, .toolInput(let more)),
                (.anthropicOnly?, .toolInput(let more)):
                openBuffer += more
            case (.thinking?, .signature(let signature)): openSignature = signature
            case (.text?, .citation(let citation)): openCitations.append(citation)
            case (.responsesOnly?, .responsesOnlyItem(let item)): open = .responsesOnly(item)
            case (.responsesOnly?, .responsesOnlyEvent): break  // progress only; the finished item says it all
            default: throw malformed("a delta that does not match the open block")
            }
        case .blockStop:
            guard let block = open else { throw malformed("a block stop with no open block") }
            content.append(finish(block))
            open = nil
        case .messageEnd(let stopReason, let stopSequence, let usage):
            guard !isFinished else { throw malformed("a second message end") }
            guard started, open == nil else { throw malformed("a message end inside a block") }
            self.stopReason = stopReason
            self.stopSequence = stopSequence
            self.usage = usage
            isFinished = true
        }
    }

    /// The response, once the stream has ended.
    public func response() throws(SluiceError) -> ChatResponse {
        guard isFinished else { throw malformed("the stream ended before the message did") }
        return ChatResponse(id: id, model: model, content: content, stopReason: stopReason, stopSequence: stopSequence, usage: usage)
    }

    private func finish(_ block: OpenBlock) -> ContentBlock {
        switch block {
        case .text: return .text(TextContent(openBuffer, citations: openCitations))
        case .thinking: return .thinking(Thinking(openBuffer, signature: openSignature))
        case .redactedThinking(let data): return .redactedThinking(data: data)
        case .toolUse(let id, let name): return .toolUse(ToolUse(id: id, name: name, input: Self.toolInput(fromJSON: openBuffer)))
        case .anthropicOnly(var block):
            if !openBuffer.isEmpty { block["input"] = Self.toolInput(fromJSON: openBuffer) }
            return .anthropicOnly(AnthropicOnlyContent(anthropicBlock: block))
        case .responsesOnly(let item): return .responsesOnly(ResponsesOnlyContent(item: item))
        }
    }

    /// Arguments as the model wrote them; an empty string is a call without arguments.
    /// Arguments that are not a JSON object (a weak model's mistake) become an empty object.
    static func toolInput(fromJSON json: String) -> JSONValue {
        guard let value = try? JSONParser.parse(json), case .object = value else { return .object(JSONObject()) }
        return value
    }

    private func malformed(_ what: String) -> SluiceError {
        .internalFailure("backend stream malformed: \(what)")
    }
}
