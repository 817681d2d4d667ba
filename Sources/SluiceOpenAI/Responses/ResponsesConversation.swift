import SluiceCore

/// Folds Responses API input items into the canonical conversation, one item at a time.
///
/// Items are flatter than canonical turns: an assistant's text, reasoning and each of its
/// function calls are separate items, and so is each call's output. Consecutive assistant items
/// become one assistant turn, and consecutive `function_call_output` items one user turn of tool
/// results (Anthropic requires every result of a turn in the one user turn that follows it).
/// `system` and `developer` messages before any other become ``ChatRequest/system``; later ones
/// stay in place as system messages. Items of OpenAI's built-in tools (`web_search_call`,
/// `computer_call_output`, …) are kept whole as Responses-only blocks in the assistant turn.
struct ResponsesConversation {
    var system: [TextContent] = []
    var messages: [Message] = []

    mutating func add(_ item: JSONCursor) throws(SluiceError) {
        // An item without `type` is a message (the SDKs' "easy input message").
        let type = try item.optional("type")?.string() ?? "message"
        switch type {
        case "message":
            try addMessage(item)
        case "function_call":
            let arguments = try item.required("arguments").string()
            let call = ToolUse(
                id: try item.required("call_id").string(), name: try item.required("name").string(),
                input: OpenAIRequestDecoder.toolInput(arguments))
            append(.toolUse(call), role: .assistant)
        case "function_call_output":
            let result = ToolResult(toolUseID: try item.required("call_id").string(), content: try outputContent(item.required("output")))
            if let last = messages.last, last.role == .user, last.content.allSatisfy(\.isToolResult) {
                messages[messages.count - 1].content.append(.toolResult(result))
            } else {
                messages.append(Message(role: .user, content: [.toolResult(result)]))
            }
        case "reasoning":
            // The text goes back to any model; `encrypted_content` (the thinking's signature) only
            // to the upstream that made it.
            let signature = try item.optional("encrypted_content")?.string()
            var texts = try item.optional("content")?.array().map { part throws(SluiceError) in try part.required("text").string() } ?? []
            if texts.isEmpty {
                texts = try item.optional("summary")?.array().map { part throws(SluiceError) in try part.required("text").string() } ?? []
            }
            let text = texts.joined(separator: "\n")
            if !text.isEmpty || signature != nil { append(.thinking(Thinking(text, signature: signature)), role: .assistant) }
        case "item_reference":
            throw .invalidField(item.path.isEmpty ? "input" : "\(item.path).type", "input item type '\(type)' is not supported")
        default:
            // A built-in tool's item: a Responses upstream reads it back as sent. Other backends
            // leave it out rather than refuse it, as the model's messages around it say what it
            // found, so a conversation that once searched the web goes on anywhere. It joins the
            // assistant turn whoever made it: only its order among the items matters.
            append(.responsesOnly(ResponsesOnlyContent(item: try item.object())), role: .assistant)
        }
    }

    private mutating func addMessage(_ item: JSONCursor) throws(SluiceError) {
        let roleCursor = try item.required("role")
        let role = try roleCursor.string()
        let content = try item.required("content")
        switch role {
        case "system", "developer":
            let texts = try self.content(content).compactMap { block -> TextContent? in
                if case .text(let text) = block, !text.text.isEmpty { return text }
                return nil
            }
            if messages.isEmpty {
                system += texts
            } else if !texts.isEmpty {
                messages.append(Message(role: .system, content: texts.map(ContentBlock.text)))
            }
        case "user":
            messages.append(Message(role: .user, content: try self.content(content)))
        case "assistant":
            for block in try self.content(content) { append(block, role: .assistant) }
        default:
            throw .invalidField(roleCursor.path, "unsupported role '\(role)'")
        }
    }

    /// Adds `block` to the last turn when it has `role`, else starts a turn.
    private mutating func append(_ block: ContentBlock, role: Message.Role) {
        if let last = messages.last, last.role == role {
            messages[messages.count - 1].content.append(block)
        } else {
            messages.append(Message(role: role, content: [block]))
        }
    }

    /// A message's content: a string, or `input_text` / `output_text` / `refusal` / `input_image` parts.
    private func content(_ content: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        if case .string(let text) = content.value { return text.isEmpty ? [] : [.text(TextContent(text))] }
        var blocks: [ContentBlock] = []
        for part in try content.array() {
            let type = try part.required("type")
            switch try type.string() {
            case "input_text", "output_text", "text":
                let text = try part.required("text").string()
                // An earlier answer's citations go back to a Responses upstream as they came.
                let annotations = try part.optional("annotations")?.array().map(\.value) ?? []
                if !text.isEmpty { blocks.append(.text(TextContent(text, citations: annotations))) }
            case "refusal":
                let text = try part.required("refusal").string()
                if !text.isEmpty { blocks.append(.text(TextContent(text))) }
            case "input_image":
                guard let url = try part.optional("image_url") else {
                    throw .invalidField("\(part.path).image_url", "field required (uploaded files are not supported)")
                }
                blocks.append(.image(ImageContent(source: OpenAIRequestDecoder.imageSource(try url.string()))))
            default:
                throw .invalidField(type.path, "unsupported content part type '\(try type.string())'")
            }
        }
        return blocks
    }

    /// A function call's output: a string, or text and image parts.
    private func outputContent(_ output: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        if case .string(let text) = output.value { return [.text(TextContent(text))] }
        return try content(output)
    }
}

extension ContentBlock {
    fileprivate var isToolResult: Bool {
        if case .toolResult = self { return true }
        return false
    }
}
