internal import SluiceCore

/// The stored form of a cached response: the canonical ``ChatResponse`` as JSON, free of any
/// protocol's shape, so an answer cached for one front serves the other.
///
/// ```json
/// {"v":1,"model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi."}],
///  "stop_reason":"end_turn","stop_sequence":null,
///  "usage":{"input_tokens":12,"output_tokens":3,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}
/// ```
/// The message id is not kept: every hit gets a fresh one.
enum CachedResponseCoding {
    static let version = 1

    static func encode(_ response: ChatResponse) -> String {
        var content: [JSONValue] = []
        for block in response.content {
            switch block {
            case .text(let text) where text.citations.isEmpty:
                content.append(["type": "text", "text": .string(text.text)])
            case .text(let text):
                content.append(["type": "text", "text": .string(text.text), "citations": .array(text.citations)])
            case .anthropicOnly(let block):
                content.append(["type": "anthropic_only", "block": .object(block.anthropicBlock)])
            case .responsesOnly(let block):
                content.append(["type": "responses_only", "item": .object(block.item)])
            case .thinking(let thinking):
                var object: JSONObject = ["type": "thinking", "thinking": .string(thinking.text)]
                if let signature = thinking.signature { object["signature"] = .string(signature) }
                content.append(.object(object))
            case .redactedThinking(let data):
                content.append(["type": "redacted_thinking", "data": .string(data)])
            case .toolUse(let call):
                content.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.input])
            case .image, .toolResult:
                continue  // never part of a model's answer, nor of its event stream
            }
        }
        let usage: JSONValue = [
            "input_tokens": .integer(response.usage.inputTokens),
            "output_tokens": .integer(response.usage.outputTokens),
            "cache_read_input_tokens": .integer(response.usage.cacheReadInputTokens),
            "cache_creation_input_tokens": .integer(response.usage.cacheCreationInputTokens),
        ]
        let root: JSONValue = [
            "v": .integer(version),
            "model": .string(response.model),
            "content": .array(content),
            "stop_reason": response.stopReason.map { .string($0.rawValue) } ?? .null,
            "stop_sequence": response.stopSequence.map { .string($0) } ?? .null,
            "usage": usage,
        ]
        return root.serializedString()
    }

    /// The response stored as `body`, under `id`; `nil` when the body is not one this version
    /// wrote (a damaged row, or a future format), which the cache treats as a miss.
    static func decode(_ body: String, id: String) -> ChatResponse? {
        guard let root = try? JSONParser.parse(body), root["v"]?.intValue == version,
            let model = root["model"]?.stringValue, let blocks = root["content"]?.arrayValue, let usage = root["usage"]
        else { return nil }
        var content: [ContentBlock] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                guard let text = block["text"]?.stringValue else { return nil }
                content.append(.text(TextContent(text, citations: block["citations"]?.arrayValue ?? [])))
            case "thinking":
                guard let text = block["thinking"]?.stringValue else { return nil }
                content.append(.thinking(Thinking(text, signature: block["signature"]?.stringValue)))
            case "redacted_thinking":
                guard let data = block["data"]?.stringValue else { return nil }
                content.append(.redactedThinking(data: data))
            case "tool_use":
                guard let callID = block["id"]?.stringValue, let name = block["name"]?.stringValue, let input = block["input"]
                else { return nil }
                content.append(.toolUse(ToolUse(id: callID, name: name, input: input)))
            case "anthropic_only":
                guard case .object(let object)? = block["block"] else { return nil }
                content.append(.anthropicOnly(AnthropicOnlyContent(anthropicBlock: object)))
            case "responses_only":
                guard case .object(let object)? = block["item"] else { return nil }
                content.append(.responsesOnly(ResponsesOnlyContent(item: object)))
            default:
                return nil
            }
        }
        var stopReason: StopReason?
        if let raw = root["stop_reason"]?.stringValue {
            guard let reason = StopReason(rawValue: raw) else { return nil }
            stopReason = reason
        }
        return ChatResponse(
            id: id, model: model, content: content, stopReason: stopReason, stopSequence: root["stop_sequence"]?.stringValue,
            usage: Usage(
                inputTokens: usage["input_tokens"]?.intValue ?? 0,
                outputTokens: usage["output_tokens"]?.intValue ?? 0,
                cacheReadInputTokens: usage["cache_read_input_tokens"]?.intValue ?? 0,
                cacheCreationInputTokens: usage["cache_creation_input_tokens"]?.intValue ?? 0))
    }
}
