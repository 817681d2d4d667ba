public import SluiceCore

/// Decodes an upstream's non-streaming `chat.completion` into a canonical ``ChatResponse``.
///
/// Content comes out in the order of an Anthropic answer: thinking, text, tool calls. The finish
/// reason is read as ``OpenAIStreamDecoder`` reads it, so a streamed and an unstreamed answer from
/// the same server end alike.
public enum OpenAIResponseDecoder {
    /// - Parameters:
    ///   - body: the upstream's parsed response body.
    ///   - messageID: the id to give the response (Sluice's own, not the upstream's).
    /// - Throws: the upstream's error when the body is an error object (some servers answer 200
    ///   with one), and ``SluiceError/Category/upstreamFailed`` naming the field when the body is
    ///   not a completion.
    public static func decode(_ body: JSONValue, messageID: String) throws(SluiceError) -> ChatResponse {
        if let error = OpenAIUpstreamError.errorObject(body) { throw OpenAIUpstreamError.streamError(error) }
        do {
            return try decodeCompletion(JSONCursor(root: body), messageID: messageID)
        } catch {
            // The cursor's errors are worded for clients' requests; here the upstream is at fault.
            throw .upstreamFailed("upstream sent an unexpected completion: \(error.message)")
        }
    }

    private static func decodeCompletion(_ root: JSONCursor, messageID: String) throws(SluiceError) -> ChatResponse {
        let model = try root.optional("model")?.string() ?? ""
        let usage = try root.optional("usage").map { Usage(openAI: $0.value) } ?? Usage()
        guard let choice = try root.required("choices").array().first else {
            throw .invalidRequest("choices: no choice")
        }
        let message = try choice.required("message")

        var content: [ContentBlock] = []
        var reasoning = try message.optional("reasoning_content")?.string()
        if reasoning == nil { reasoning = try message.optional("reasoning")?.string() }
        if let reasoning, !reasoning.isEmpty { content.append(.thinking(Thinking(reasoning))) }

        let text = try messageText(message)
        if !text.isEmpty { content.append(.text(TextContent(text))) }

        for call in try message.optional("tool_calls")?.array() ?? [] {
            let function = try call.required("function")
            let id = try call.optional("id")?.string() ?? ""
            let input: JSONValue =
                switch try function.optional("arguments")?.value {
                case .string(let arguments)?: OpenAIRequestDecoder.toolInput(arguments)
                case .object(let arguments)?: .object(arguments)
                default: .object(JSONObject())
                }
            content.append(
                .toolUse(ToolUse(id: id.isEmpty ? Identifiers.toolUseID() : id, name: try function.required("name").string(), input: input))
            )
        }

        let sawToolCall = content.contains { if case .toolUse = $0 { true } else { false } }
        let finishReason = try choice.optional("finish_reason")?.string()
        let (stopReason, stopSequence) = FinishReason.decode(
            finishReason, stopReason: choice.value["stop_reason"], sawToolCall: sawToolCall)
        return ChatResponse(id: messageID, model: model, content: content, stopReason: stopReason, stopSequence: stopSequence, usage: usage)
    }

    /// `content` as a string, or as text parts (some servers), with a `refusal` as the text when
    /// there is no content: a client must see why there is no answer.
    private static func messageText(_ message: JSONCursor) throws(SluiceError) -> String {
        if let content = try message.optional("content") {
            if case .string(let text) = content.value { return text }
            var text = ""
            for part in try content.array() {
                if let fragment = try part.optional("text")?.string() { text += fragment }
            }
            if !text.isEmpty { return text }
        }
        return try message.optional("refusal")?.string() ?? ""
    }
}
