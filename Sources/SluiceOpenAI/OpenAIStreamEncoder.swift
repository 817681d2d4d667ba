public import SluiceCore

/// Turns a canonical event stream into OpenAI `chat.completion.chunk` server-sent events.
///
/// One value per stream (no state is shared between streams), fed one event at a time:
/// ```swift
/// var encoder = OpenAIStreamEncoder(options: streamOptions, created: now)
/// for try await event in events { write(encoder.encode(event)) }
/// ```
/// Frames are data-only, as OpenAI sends them. Every chunk carries the same `id`, `created` and
/// `model`. The first chunk holds `{"role":"assistant","content":""}`, as OpenAI's does (some clients
/// take the role from it); `messageEnd` yields the chunk with the `finish_reason`, then the usage
/// chunk if the client asked for it, then `data: [DONE]`.
///
/// Tool calls are numbered 0, 1, 2 … in `tool_calls[].index`, which clients use to accumulate each
/// call's argument fragments. Thinking goes out as `reasoning_content` (vLLM's and DeepSeek's name);
/// signatures, redacted thinking, citations and Anthropic's server-tool blocks have no OpenAI form
/// and are dropped.
public struct OpenAIStreamEncoder: Sendable {
    private let options: OpenAIStreamOptions
    private let created: Int
    private var id: String?
    private var model = ""
    /// The `index` of the open tool call, while a tool-use block is open.
    private var openToolCall: Int?
    private var toolCallCount = 0
    private var finished = false

    public init(options: OpenAIStreamOptions, created: Int) {
        self.options = options
        self.created = created
    }

    public mutating func encode(_ event: StreamEvent) -> [ServerSentEvent] {
        guard !finished else { return [] }
        var frames: [ServerSentEvent] = []
        if id == nil {
            // A well-formed stream starts with `messageStart`; one that does not still gets the role chunk.
            if case .messageStart(let id, let model, _) = event {
                self.id = OpenAIResponseEncoder.completionID(id)
                self.model = model
            } else {
                id = Identifiers.completionID()
            }
            frames.append(chunk(delta: ["role": "assistant", "content": ""]))
        }
        switch event {
        case .messageStart:
            break
        case .blockStart(.toolUse(let id, let name)):
            let index = toolCallCount
            toolCallCount += 1
            openToolCall = index
            let call: JSONValue = [
                "index": .integer(index), "id": .string(id), "type": "function",
                "function": ["name": .string(name), "arguments": ""],
            ]
            frames.append(chunk(delta: ["tool_calls": [call]]))
        case .blockStart:
            openToolCall = nil
        case .blockDelta(.text(let text)):
            if !text.isEmpty { frames.append(chunk(delta: ["content": .string(text)])) }
        case .blockDelta(.thinking(let text)):
            if !text.isEmpty { frames.append(chunk(delta: ["reasoning_content": .string(text)])) }
        case .blockDelta(.toolInput(let fragment)):
            if let index = openToolCall, !fragment.isEmpty {
                let call: JSONValue = ["index": .integer(index), "function": ["arguments": .string(fragment)]]
                frames.append(chunk(delta: ["tool_calls": [call]]))
            }
        case .blockDelta(.signature), .blockDelta(.citation), .blockDelta(.responsesOnlyEvent), .blockDelta(.responsesOnlyItem):
            break
        case .blockStop:
            openToolCall = nil
        case .messageEnd(let stopReason, _, let usage):
            frames.append(chunk(delta: [:], finishReason: FinishReason.encode(stopReason)))
            if options.includeUsage {
                var object = envelope()
                object["choices"] = []
                object["usage"] = usage.openAIJSON
                frames.append(ServerSentEvent(data: JSONValue.object(object).serializedString()))
            }
            frames.append(ServerSentEvent(data: "[DONE]"))
            finished = true
        }
        return frames
    }

    /// The frame for a failure after the stream started: `data: {"error":{…}}`, which OpenAI SDKs
    /// raise as an API error. Nothing follows it, not even `[DONE]`: a client that ignores the error
    /// payload then sees a stream that ended without `[DONE]` rather than one that looks complete.
    public mutating func fail(_ error: SluiceError) -> [ServerSentEvent] {
        guard !finished else { return [] }
        finished = true
        return [ServerSentEvent(data: OpenAIErrorBody.encode(error).serializedString())]
    }

    private func envelope() -> JSONObject {
        JSONObject([
            ("id", .string(id ?? "")), ("object", "chat.completion.chunk"), ("created", .integer(created)), ("model", .string(model)),
        ])
    }

    private func chunk(delta: JSONValue, finishReason: String? = nil) -> ServerSentEvent {
        var object = envelope()
        let choice: JSONValue = ["index": 0, "delta": delta, "finish_reason": finishReason.map(JSONValue.string) ?? .null]
        object["choices"] = [choice]
        return ServerSentEvent(data: JSONValue.object(object).serializedString())
    }
}
