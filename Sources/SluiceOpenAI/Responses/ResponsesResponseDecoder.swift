public import SluiceCore

/// Decodes a Responses API `response` object from an upstream that answered a streaming request
/// with one JSON document, as ``ResponsesStreamDecoder`` would have decoded its stream.
public enum ResponsesResponseDecoder {
    public static func decode(_ document: JSONValue, messageID: String) throws(SluiceError) -> ChatResponse {
        guard let output = document["output"]?.arrayValue else {
            throw .upstreamFailed("upstream sent a response without output")
        }
        if document["status"]?.stringValue == "failed" {
            throw .upstreamFailed("upstream response failed: \(document["error"]?["message"]?.stringValue ?? "no message")")
        }
        var content: [ContentBlock] = []
        var sawToolCall = false
        for item in output {
            switch item["type"]?.stringValue {
            case "message":
                for part in item["content"]?.arrayValue ?? [] {
                    guard let text = part["text"]?.stringValue ?? part["refusal"]?.stringValue else { continue }
                    content.append(.text(TextContent(text, citations: part["annotations"]?.arrayValue ?? [])))
                }
            case "reasoning":
                let parts = (item["content"]?.arrayValue ?? []) + (item["summary"]?.arrayValue ?? [])
                let text = parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n\n")
                content.append(.thinking(Thinking(text, signature: item["encrypted_content"]?.stringValue)))
            case "function_call":
                sawToolCall = true
                content.append(
                    .toolUse(
                        ToolUse(
                            id: item["call_id"]?.stringValue ?? Identifiers.toolUseID(), name: item["name"]?.stringValue ?? "",
                            input: OpenAIRequestDecoder.toolInput(item["arguments"]?.stringValue ?? "{}"))))
            case _?:
                // A built-in tool's call, kept whole for Responses clients.
                if case .object(let object) = item { content.append(.responsesOnly(ResponsesOnlyContent(item: object))) }
            case nil:
                continue
            }
        }
        return ChatResponse(
            id: messageID, model: document["model"]?.stringValue ?? "", content: content,
            stopReason: ResponsesStreamDecoder.stopReason(document, sawToolCall: sawToolCall),
            usage: Usage(openAIResponses: document["usage"] ?? .null))
    }
}
