public import SluiceCore

/// Turns an OpenAI Responses upstream's stream events into canonical stream events.
///
/// A value-type state machine, one per stream, fed each server-sent event; it yields no
/// `messageStart` (the backend sends that first). The upstream streams one output item at a
/// time: a `message` item's content parts become text blocks, a `reasoning` item a thinking
/// block (its `encrypted_content` as the block's signature, so it can go back), a
/// `function_call` item a tool-use block. Any other item (a built-in tool's call such as
/// `web_search_call`) becomes a Responses-only block carrying the item's JSON, with the item's own
/// events (`response.web_search_call.searching`, `response.code_interpreter_call_code.delta`, …)
/// as its deltas, so a Responses client gets them as the upstream sent them.
/// `response.completed` or `response.incomplete` end the message; `response.failed`, an `error`
/// event, or a body that ends before either, fail it.
public struct ResponsesStreamDecoder: Sendable {
    private enum OpenBlock: Sendable {
        case text
        case thinking
        case toolUse(sawArguments: Bool)
        /// A Responses-only item of this `type`, whose events are those named `response.<type>…`.
        case responsesOnly(type: String)
    }

    private var open: OpenBlock?
    private var sawToolCall = false
    private var ended = false

    public init() {}

    public mutating func decode(_ event: ServerSentEvent) throws(SluiceError) -> [StreamEvent] {
        guard !ended else { return [] }
        let data: JSONValue
        do {
            data = try JSONParser.parse(Array(event.data.utf8))
        } catch {
            throw .upstreamFailed("upstream sent a stream event that is not JSON: \(error.description)")
        }
        let type = data["type"]?.stringValue ?? event.event ?? ""
        switch type {
        case "response.output_item.added":
            switch data["item"]?["type"]?.stringValue {
            case "reasoning":
                return close() + open(.thinking, .thinking)
            case "function_call":
                sawToolCall = true
                let item = data["item"]
                let start = BlockStart.toolUse(
                    id: item?["call_id"]?.stringValue ?? Identifiers.toolUseID(), name: item?["name"]?.stringValue ?? "")
                return close() + open(.toolUse(sawArguments: false), start)
            case "message":
                return []  // its content parts become text blocks
            default:
                guard case .object(let item)? = data["item"], let type = item["type"]?.stringValue else { return [] }
                return close() + open(.responsesOnly(type: type), .responsesOnly(item))
            }
        case "response.content_part.added":
            guard ["output_text", "refusal"].contains(data["part"]?["type"]?.stringValue) else { return [] }
            return close() + open(.text, .text)
        case "response.output_text.delta", "response.refusal.delta":
            guard case .text? = open, let delta = data["delta"]?.stringValue else { return [] }
            return [.blockDelta(.text(delta))]
        case "response.output_text.annotation.added":
            guard case .text? = open, let annotation = data["annotation"], annotation.objectValue != nil else { return [] }
            return [.blockDelta(.citation(annotation))]
        case "response.content_part.done":
            guard case .text? = open else { return [] }
            return close()
        case "response.reasoning_summary_part.added":
            // Summary parts are paragraphs of one thinking block.
            guard case .thinking? = open, let index = data["summary_index"]?.intValue, index > 0 else { return [] }
            return [.blockDelta(.thinking("\n\n"))]
        case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
            guard case .thinking? = open, let delta = data["delta"]?.stringValue else { return [] }
            return [.blockDelta(.thinking(delta))]
        case "response.function_call_arguments.delta":
            guard case .toolUse? = open, let delta = data["delta"]?.stringValue else { return [] }
            open = .toolUse(sawArguments: true)
            return [.blockDelta(.toolInput(partialJSON: delta))]
        case "response.output_item.done":
            let item = data["item"]
            switch open {
            case .thinking?:
                let signature = item?["encrypted_content"]?.stringValue.map { [StreamEvent.blockDelta(.signature($0))] } ?? []
                return signature + close()
            case .toolUse(let sawArguments)?:
                // A server may send the arguments only with the finished item.
                let arguments = sawArguments ? nil : item?["arguments"]?.stringValue
                return (arguments.map { [StreamEvent.blockDelta(.toolInput(partialJSON: $0))] } ?? []) + close()
            case .responsesOnly?:
                guard case .object(let item)? = item else { return close() }
                return [.blockDelta(.responsesOnlyItem(item))] + close()
            default:
                return close()
            }
        case "response.completed", "response.incomplete":
            ended = true
            let response = data["response"]
            return close() + [
                .messageEnd(
                    stopReason: Self.stopReason(response, sawToolCall: sawToolCall), stopSequence: nil,
                    usage: Usage(openAIResponses: response?["usage"] ?? .null))
            ]
        case "response.failed":
            let message = data["response"]?["error"]?["message"]?.stringValue ?? "the response failed"
            throw .upstreamFailed("upstream response failed: \(message)")
        case "error":
            throw .upstreamFailed("upstream error: \(data["message"]?.stringValue ?? "no message")")
        default:
            // An event of the open Responses-only item: `response.web_search_call.searching`, and
            // also `response.code_interpreter_call_code.delta` or `response.mcp_call_arguments.delta`.
            guard case .responsesOnly(let itemType)? = open, type.hasPrefix("response.\(itemType)"),
                case .object(var fields) = data
            else { return [] }
            fields["sequence_number"] = nil
            return [.blockDelta(.responsesOnlyEvent(fields))]
        }
    }

    /// The end of the body: nothing more is owed after a terminal event; before one, the stream was cut.
    public mutating func finish() throws(SluiceError) -> [StreamEvent] {
        guard ended else { throw .upstreamFailed("upstream stream ended before response.completed") }
        return []
    }

    private mutating func open(_ block: OpenBlock, _ start: BlockStart) -> [StreamEvent] {
        open = block
        return [.blockStart(start)]
    }

    private mutating func close() -> [StreamEvent] {
        guard open != nil else { return [] }
        open = nil
        return [.blockStop]
    }

    static func stopReason(_ response: JSONValue?, sawToolCall: Bool) -> StopReason {
        switch response?["incomplete_details"]?["reason"]?.stringValue {
        case "max_output_tokens"?: .maxTokens
        case "content_filter"?: .refusal
        default: sawToolCall ? .toolUse : .endTurn
        }
    }
}

extension Usage {
    /// A Responses `usage` object: `input_tokens` counts cached tokens too; malformed counts read as 0.
    init(openAIResponses usage: JSONValue) {
        let input = max(usage["input_tokens"]?.intValue ?? 0, 0)
        let cached = min(max(usage["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0, 0), input)
        self.init(inputTokens: input - cached, outputTokens: max(usage["output_tokens"]?.intValue ?? 0, 0), cacheReadInputTokens: cached)
    }
}
