import SluiceCore

/// Reads Anthropic content blocks, for client requests and upstream responses alike.
///
/// Block types Sluice does not know are skipped rather than refused: clients and upstreams add
/// new ones faster than a gateway learns them, and a 400 would break every
/// request that carries one. Blocks only Anthropic reads are kept for Anthropic upstreams (see
/// ``AnthropicOnlyContent``). A block without a `type` is refused, since it is not a block at all.
enum AnthropicContentDecoder {
    /// A `content` field: a string is one text block, an array holds blocks.
    static func content(_ cursor: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        if case .string(let text) = cursor.value { return [.text(TextContent(text))] }
        var blocks: [ContentBlock] = []
        for element in try cursor.array() {
            blocks.append(contentsOf: try self.blocks(element))
        }
        return blocks
    }

    /// One block on the wire, as zero (an unknown type), one or several canonical blocks.
    static func blocks(_ cursor: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        let type = try cursor.required("type").string()
        let cacheControl = try cursor.optional("cache_control")?.value
        switch type {
        case "text":
            let citations = try cursor.optional("citations")?.array().map(\.value) ?? []
            return [.text(TextContent(try cursor.required("text").string(), cacheControl: cacheControl, citations: citations))]
        case "image":
            return [.image(ImageContent(source: try imageSource(cursor.required("source")), cacheControl: cacheControl))]
        case "tool_use":
            let input = try cursor.optional("input")
            return [
                .toolUse(
                    ToolUse(
                        id: try cursor.required("id").string(),
                        name: try cursor.required("name").string(),
                        input: .object(try input?.object() ?? JSONObject()),
                        cacheControl: cacheControl
                    )
                )
            ]
        case "tool_result":
            return [.toolResult(try toolResult(cursor, cacheControl: cacheControl))]
        case "thinking":
            let thinking = Thinking(try cursor.required("thinking").string(), signature: try cursor.optional("signature")?.string())
            return [.thinking(thinking)]
        case "redacted_thinking":
            return [.redactedThinking(data: try cursor.required("data").string())]
        case "document":
            return try document(cursor, cacheControl: cacheControl)
        case _ where isAnthropicOnly(type):
            return [.anthropicOnly(AnthropicOnlyContent(anthropicBlock: try cursor.object()))]
        default:
            return []
        }
    }

    /// Blocks carried for Anthropic upstreams as they are (the policies scan their text): search
    /// results, Claude Code's tool references (its tool search loading deferred tools) and the calls
    /// and results of Anthropic's own server tools, which Anthropic wrote and reads back.
    static func isAnthropicOnly(_ type: String) -> Bool {
        switch type {
        case "search_result", "tool_reference", "server_tool_use", "mcp_tool_use", "container_upload": true
        default: type.hasSuffix("_tool_result")
        }
    }

    private static func imageSource(_ source: JSONCursor) throws(SluiceError) -> ImageContent.Source {
        let type = try source.required("type").string()
        switch type {
        case "base64":
            return .base64(mediaType: try source.required("media_type").string(), data: try source.required("data").string())
        case "url":
            return .url(try source.required("url").string())
        default:
            // Dropping an image would silently change the question, so this one is refused.
            throw .invalidField("\(source.path).type", "image source \"\(type)\" is not supported; use base64 or url")
        }
    }

    /// A tool result holds text, images and documents; other blocks a result may carry are read as usual
    /// and kept only when they become text or images.
    private static func toolResult(_ cursor: JSONCursor, cacheControl: JSONValue?) throws(SluiceError) -> ToolResult {
        var content: [ContentBlock] = []
        if let field = try cursor.optional("content") { content = try self.content(field) }
        return ToolResult(
            toolUseID: try cursor.required("tool_use_id").string(),
            content: content.filter { block in
                switch block {
                case .text, .image, .anthropicOnly: true
                default: false
                }
            },
            isError: try cursor.optional("is_error")?.bool() ?? false,
            cacheControl: cacheControl
        )
    }

    /// Plain-text documents become text blocks, which every backend can read and the policies scan.
    /// Others (PDF, files) stay the client's block: Anthropic upstreams read them, other backends
    /// get a note; refusing them would break a Claude Code session whenever Read returns a PDF.
    private static func document(_ cursor: JSONCursor, cacheControl: JSONValue?) throws(SluiceError) -> [ContentBlock] {
        let source = try cursor.required("source")
        switch try source.required("type").string() {
        case "text":
            return [.text(TextContent(try source.required("data").string(), cacheControl: cacheControl))]
        case "content":
            return try content(source.required("content")).filter { block in
                if case .text = block { true } else { false }
            }
        default:
            return [.anthropicOnly(AnthropicOnlyContent(anthropicBlock: try cursor.object()))]
        }
    }
}
