public import SluiceCore

/// Turns an OpenAI-compatible upstream's `chat.completion.chunk` events into canonical stream events.
///
/// A value-type state machine, one per stream, fed each server-sent event as the
/// ``ServerSentEventParser`` completes it; it yields no `messageStart` (the backend sends that before
/// the first chunk arrives). OpenAI chunks carry loose deltas; canonical streams carry blocks, one
/// open at a time, so the decoder opens and closes them:
/// - `delta.reasoning_content` (or `delta.reasoning`) is a thinking block, `delta.content` a text block;
/// - each tool call (a new `index`, or a new `id` at a known index) is a tool-use block whose
///   `function.arguments` fragments are its input deltas. A server may interleave the fragments of
///   parallel calls; the open call then stays open until its arguments are complete JSON, and the
///   fragments of the others wait and follow, call by call, in order of appearance;
/// - `data: [DONE]` (or, from servers that omit it, the end of input after a `finish_reason`) closes
///   the open block and ends the message with the stop reason and the usage of the usage chunk.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// var decoder = OpenAIStreamDecoder()
/// for try await bytes in body {
///     for event in try parser.feed(bytes) { try emit(decoder.decode(event)) }
/// }
/// try emit(decoder.finish())
/// ```
public struct OpenAIStreamDecoder: Sendable {
    private enum OpenBlock: Sendable, Equatable {
        case text
        case thinking
        case toolCall(slot: Int)
    }

    private struct ToolCall: Sendable {
        var index: Int
        var id: String?
        var name = ""
        /// Argument fragments not yet emitted: all of them until the call's block opens.
        var pending = ""
        var arguments = JSONCompletionScanner()
        var started = false
        var done = false
        /// A later call reused this call's index: no more fragments will come for it.
        var superseded = false
    }

    private var open: OpenBlock?
    /// Tool calls in order of first appearance.
    private var calls: [ToolCall] = []
    /// The call each upstream `index` currently refers to.
    private var slotByIndex: [Int: Int] = [:]
    private var finishReason: String?
    private var vLLMStopReason: JSONValue?
    private var usage = Usage()
    private var ended = false

    public init() {}

    /// The canonical events for one upstream event.
    /// - Throws: the mapped upstream error for an error event, ``SluiceError/Category/upstreamFailed``
    ///   for an event that is not JSON.
    public mutating func decode(_ event: ServerSentEvent) throws(SluiceError) -> [StreamEvent] {
        guard !ended else { return [] }
        let data = event.data.trimmingWhitespace()
        if data == "[DONE]" { return end() }
        guard !data.isEmpty else { return [] }
        let chunk: JSONValue
        do {
            chunk = try JSONParser.parse(data.utf8)
        } catch {
            if event.event == "error" { throw .upstreamFailed("upstream stream failed") }
            throw .upstreamFailed("upstream sent invalid JSON in a stream event: \(error)")
        }
        if let error = OpenAIUpstreamError.errorObject(chunk) { throw OpenAIUpstreamError.streamError(error) }
        guard case .object = chunk else { throw .upstreamFailed("upstream sent a stream event that is not a JSON object") }
        if event.event == "error" { throw .upstreamFailed("upstream stream failed") }

        if let usage = chunk["usage"], case .object = usage { self.usage = Usage(openAI: usage) }
        var events: [StreamEvent] = []
        for choice in chunk["choices"]?.arrayValue ?? [] where (choice["index"]?.intValue ?? 0) == 0 {
            if let delta = choice["delta"] { decodeDelta(delta, into: &events) }
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
            if let stopReason = choice["stop_reason"], !stopReason.isNull { vLLMStopReason = stopReason }
        }
        return events
    }

    /// Call at the end of the upstream's body.
    /// - Throws: ``SluiceError/Category/upstreamFailed`` when the stream ended before the answer did.
    public mutating func finish() throws(SluiceError) -> [StreamEvent] {
        guard !ended else { return [] }
        // Some servers end the body without `[DONE]`; a finish reason says the answer was complete.
        guard finishReason != nil else { throw .upstreamFailed("upstream stream ended early") }
        return end()
    }

    private mutating func end() -> [StreamEvent] {
        var events: [StreamEvent] = []
        closeAll(into: &events)
        let (stopReason, stopSequence) = FinishReason.decode(finishReason, stopReason: vLLMStopReason, sawToolCall: !calls.isEmpty)
        events.append(.messageEnd(stopReason: stopReason, stopSequence: stopSequence, usage: usage))
        ended = true
        return events
    }

    // MARK: - Deltas

    private mutating func decodeDelta(_ delta: JSONValue, into events: inout [StreamEvent]) {
        // Newer vLLM sends both names with the same text; one is enough.
        if let reasoning = delta["reasoning_content"]?.stringValue ?? delta["reasoning"]?.stringValue {
            appendText(reasoning, as: .thinking, into: &events)
        }
        if let content = delta["content"]?.stringValue { appendText(content, as: .text, into: &events) }
        if let refusal = delta["refusal"]?.stringValue { appendText(refusal, as: .text, into: &events) }
        for call in delta["tool_calls"]?.arrayValue ?? [] { appendToolCall(call, into: &events) }
    }

    private mutating func appendText(_ text: String, as kind: OpenBlock, into events: inout [StreamEvent]) {
        guard !text.isEmpty else { return }
        if toolCallsActive {
            // Whitespace between tool calls (Hermes-style parsers emit "\n") would split them.
            guard !text.allSatisfy(\.isWhitespace) else { return }
            closeAll(into: &events)
        }
        if open != kind {
            if open != nil { close(into: &events) }
            open = kind
            events.append(.blockStart(kind == .text ? .text : .thinking))
        }
        events.append(.blockDelta(kind == .text ? .text(text) : .thinking(text)))
    }

    private var toolCallsActive: Bool {
        if case .toolCall? = open { return true }
        return nextUnstarted != nil
    }

    private var nextUnstarted: Int? { calls.firstIndex { !$0.started } }

    private mutating func appendToolCall(_ delta: JSONValue, into events: inout [StreamEvent]) {
        guard case .object = delta else { return }
        let id = delta["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let slot = slot(index: delta["index"]?.intValue, id: id)
        if calls[slot].id == nil { calls[slot].id = id }
        if calls[slot].name.isEmpty, let name = delta["function"]?["name"]?.stringValue { calls[slot].name = name }
        let fragment: String =
            switch delta["function"]?["arguments"] {
            case .string(let fragment)?: fragment
            case let arguments? where arguments.objectValue != nil: arguments.serializedString()  // a server that sends them parsed
            default: ""
            }
        guard !calls[slot].done else { return }  // a fragment after the call's arguments were whole: nothing to attach it to
        calls[slot].pending += fragment
        calls[slot].arguments.feed(fragment)

        if open == .text || open == .thinking { close(into: &events) }
        while true {
            if case .toolCall(let current)? = open {
                flush(current, into: &events)
                let whole = calls[current].superseded || calls[current].arguments.isComplete
                guard whole, let next = nextUnstarted else { return }
                close(into: &events)
                start(next, into: &events)
            } else {
                guard let next = nextUnstarted else { return }
                start(next, into: &events)
            }
        }
    }

    /// The call a tool-call delta belongs to, registering a new one when it starts one.
    private mutating func slot(index given: Int?, id: String?) -> Int {
        let index: Int
        if let given {
            index = given
        } else if let id {
            // Servers that omit `index` still send the id with a call's first fragment.
            if let known = calls.lastIndex(where: { $0.id == id }) { return known }
            index = (calls.map(\.index).max() ?? -1) + 1
        } else {
            index = calls.last?.index ?? 0
        }
        if let slot = slotByIndex[index] {
            guard let id, let known = calls[slot].id, known != id else { return slot }
            calls[slot].superseded = true  // a new call at the same index (servers that send every call as index 0)
        }
        calls.append(ToolCall(index: index, id: id))
        slotByIndex[index] = calls.count - 1
        return calls.count - 1
    }

    private mutating func start(_ slot: Int, into events: inout [StreamEvent]) {
        let id = calls[slot].id ?? Identifiers.toolUseID()
        calls[slot].id = id
        calls[slot].started = true
        open = .toolCall(slot: slot)
        events.append(.blockStart(.toolUse(id: id, name: calls[slot].name)))
        flush(slot, into: &events)
    }

    private mutating func flush(_ slot: Int, into events: inout [StreamEvent]) {
        guard !calls[slot].pending.isEmpty else { return }
        events.append(.blockDelta(.toolInput(partialJSON: calls[slot].pending)))
        calls[slot].pending = ""
    }

    private mutating func close(into events: inout [StreamEvent]) {
        if case .toolCall(let slot)? = open {
            flush(slot, into: &events)
            calls[slot].done = true
        }
        if open != nil { events.append(.blockStop) }
        open = nil
    }

    /// Closes the open block and emits every waiting tool call whole, for the end of the answer or text after the calls.
    private mutating func closeAll(into events: inout [StreamEvent]) {
        close(into: &events)
        while let next = nextUnstarted {
            start(next, into: &events)
            close(into: &events)
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
