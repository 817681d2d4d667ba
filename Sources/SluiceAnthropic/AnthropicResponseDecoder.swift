public import SluiceCore

/// Decodes an Anthropic-compatible upstream's non-streaming response into a ``ChatResponse``.
public enum AnthropicResponseDecoder {
    /// - Throws: The upstream's error when the body is an Anthropic error object, or
    ///   `upstreamFailed` naming the field when the body is not a message.
    public static func decode(_ body: JSONValue) throws(SluiceError) -> ChatResponse {
        if body["type"] == "error" { throw AnthropicUpstreamError.reportedError(body) }
        return try AnthropicUpstreamError.decodingUpstream("response") { () throws(SluiceError) in
            let root = JSONCursor(root: body)
            var content: [ContentBlock] = []
            for element in try root.required("content").array() {
                content += try AnthropicContentDecoder.blocks(element).filter(\.isAnswerBlock)
            }
            var usage = Usage()
            if let field = try root.optional("usage") { try usage.merge(anthropic: field) }
            return ChatResponse(
                id: try root.optional("id")?.string() ?? Identifiers.messageID(),
                model: try root.optional("model")?.string() ?? "",
                content: content,
                stopReason: StopReason(anthropic: try root.optional("stop_reason")?.string()),
                stopSequence: try root.optional("stop_sequence")?.string(),
                usage: usage
            )
        }
    }
}
