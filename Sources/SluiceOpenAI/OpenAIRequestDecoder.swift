public import SluiceCore

/// Decodes an OpenAI Chat Completions request body into the canonical ``ChatRequest``.
///
/// ```swift
/// let (request, streamOptions) = try OpenAIRequestDecoder.decode(try JSONParser.parse(body))
/// ```
/// Errors name the offending field (`messages[2].tool_calls[0].function.name: field required`).
/// Fields Sluice does not interpret are ignored, never rejected: clients send many.
///
/// The canonical model follows Anthropic's conversation shape, so the decoder reshapes what differs:
/// leading `system`/`developer` messages become ``ChatRequest/system``, later ones stay in place as
/// ``Message/Role/system`` messages, and consecutive `tool` messages become one user turn of tool
/// results (Anthropic requires every result of an assistant turn in the one user turn that follows).
public enum OpenAIRequestDecoder {
    /// The parameters of an empty-argument tool, for tools declared without `parameters`.
    static let emptyParameters: JSONValue = ["type": "object", "properties": [:]]

    public static func decode(_ body: JSONValue) throws(SluiceError) -> (request: ChatRequest, streamOptions: OpenAIStreamOptions) {
        let root = JSONCursor(root: body)
        _ = try root.object()
        let model = try root.required("model").string()
        if let n = try root.optional("n"), try n.int() != 1 {
            throw .invalidField(n.path, "only 1 is supported")
        }
        let (system, messages) = try decodeMessages(try root.required("messages"))
        var request = ChatRequest(model: model, system: system, messages: messages)

        // Ranges as OpenAI enforces them; both token fields are checked, the newer one wins.
        let maxTokens = try root.optional("max_tokens")?.int(atLeast: 1)
        request.maxTokens = try root.optional("max_completion_tokens")?.int(atLeast: 1) ?? maxTokens
        request.temperature = try root.optional("temperature")?.double(in: 0...2)
        request.topP = try root.optional("top_p")?.double(in: 0...1)
        // vLLM and llama-server take `top_k`, where 0 means "no limit": no top-k at all.
        if let topK = try root.optional("top_k")?.int(atLeast: 0), topK > 0 { request.topK = topK }
        request.minP = try SamplingExtensions.minP(root.optional("min_p"))
        // vLLM and SGLang call it `repetition_penalty`, llama-server `repeat_penalty`.
        let penalty = try root.optional("repetition_penalty")
        request.repetitionPenalty = try SamplingExtensions.repetitionPenalty(penalty != nil ? penalty : root.optional("repeat_penalty"))
        request.stopSequences = try root.optional("stop")?.strings() ?? []
        request.stream = try root.optional("stream")?.bool() ?? false
        request.tools = try decodeTools(root.optional("tools"))
        request.toolChoice = try decodeToolChoice(root.optional("tool_choice"))
        request.parallelToolCalls = try root.optional("parallel_tool_calls")?.bool()
        request.effort = try root.optional("reasoning_effort")?.string()
        request.user = try root.optional("user")?.string()
        request.seed = try root.optional("seed")?.int()
        request.frequencyPenalty = try root.optional("frequency_penalty")?.double(in: -2...2)
        request.presencePenalty = try root.optional("presence_penalty")?.double(in: -2...2)
        request.responseFormat = try root.optional("response_format").map { cursor throws(SluiceError) in
            try ResponseFormat(openAI: cursor)
        }

        var streamOptions = OpenAIStreamOptions()
        if let options = try root.optional("stream_options") {
            streamOptions.includeUsage = try options.optional("include_usage")?.bool() ?? false
        }
        return (request, streamOptions)
    }

    // MARK: - Messages

    private static func decodeMessages(_ cursor: JSONCursor) throws(SluiceError) -> (system: [TextContent], messages: [Message]) {
        let elements = try cursor.array()
        guard !elements.isEmpty else { throw .invalidField(cursor.path, "at least one message is required") }
        var system: [TextContent] = []
        var messages: [Message] = []
        var previousWasTool = false
        for element in elements {
            let roleCursor = try element.required("role")
            let role = try roleCursor.string()
            switch role {
            case "system", "developer":
                let blocks = try textBlocks(element.optional("content"))
                if messages.isEmpty {
                    system += blocks
                } else if !blocks.isEmpty {
                    messages.append(Message(role: .system, content: blocks.map(ContentBlock.text)))
                }
            case "user":
                messages.append(Message(role: .user, content: try userContent(element.required("content"))))
            case "assistant":
                messages.append(Message(role: .assistant, content: try assistantContent(element)))
            case "tool":
                let result = ContentBlock.toolResult(try toolResult(element))
                if previousWasTool {
                    messages[messages.count - 1].content.append(result)
                } else {
                    messages.append(Message(role: .user, content: [result]))
                }
            default:
                throw .invalidField(roleCursor.path, "unsupported role '\(role)'")
            }
            previousWasTool = role == "tool"
        }
        return (system, messages)
    }

    /// Text of a system, developer or tool message: a string or `text` parts. Empty text is dropped,
    /// as Anthropic rejects empty text blocks.
    private static func textBlocks(_ content: JSONCursor?) throws(SluiceError) -> [TextContent] {
        guard let content else { return [] }
        if case .string(let text) = content.value { return text.isEmpty ? [] : [TextContent(text)] }
        var blocks: [TextContent] = []
        for part in try content.array() {
            let type = try part.required("type")
            guard try type.string() == "text" else {
                throw .invalidField(type.path, "unsupported content part type '\(try type.string())' here")
            }
            let text = try part.required("text").string()
            if !text.isEmpty { blocks.append(TextContent(text)) }
        }
        return blocks
    }

    private static func userContent(_ content: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        if case .string(let text) = content.value { return [.text(TextContent(text))] }
        var blocks: [ContentBlock] = []
        for part in try content.array() {
            let type = try part.required("type")
            switch try type.string() {
            case "text":
                blocks.append(.text(TextContent(try part.required("text").string())))
            case "image_url":
                let image = try part.required("image_url")
                // `image_url` is `{"url", "detail"}`; some older clients send the URL string itself.
                let url = if case .string(let url) = image.value { url } else { try image.required("url").string() }
                blocks.append(.image(ImageContent(source: imageSource(url))))
            default:
                throw .invalidField(type.path, "unsupported content part type '\(try type.string())'")
            }
        }
        return blocks
    }

    /// `data:image/png;base64,…` becomes inline data (what Anthropic takes); anything else is a URL.
    static func imageSource(_ url: String) -> ImageContent.Source {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return .url(url) }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return .url(url) }
        return .base64(mediaType: String(header.dropLast(";base64".count)), data: String(url[url.index(after: comma)...]))
    }

    /// Thinking first (it came first), then text, then tool calls: the order of an Anthropic answer.
    private static func assistantContent(_ message: JSONCursor) throws(SluiceError) -> [ContentBlock] {
        var blocks: [ContentBlock] = []
        // vLLM and DeepSeek call it `reasoning_content`, newer vLLM and OpenRouter `reasoning`.
        var reasoning = try message.optional("reasoning_content")?.string()
        if reasoning == nil { reasoning = try message.optional("reasoning")?.string() }
        if let reasoning, !reasoning.isEmpty { blocks.append(.thinking(Thinking(reasoning))) }

        if let content = try message.optional("content") {
            if case .string(let text) = content.value {
                if !text.isEmpty { blocks.append(.text(TextContent(text))) }
            } else {
                for part in try content.array() {
                    let type = try part.required("type")
                    let field: String
                    switch try type.string() {
                    case "text": field = "text"
                    case "refusal": field = "refusal"
                    default: throw .invalidField(type.path, "unsupported content part type '\(try type.string())' here")
                    }
                    let text = try part.required(field).string()
                    if !text.isEmpty { blocks.append(.text(TextContent(text))) }
                }
            }
        }

        for call in try message.optional("tool_calls")?.array() ?? [] {
            let function = try call.required("function")
            let input: JSONValue =
                switch try function.optional("arguments")?.value {
                case .string(let arguments)?: toolInput(arguments)
                case .object(let arguments)?: .object(arguments)  // a lenient client's already-parsed arguments
                default: .object(JSONObject())
                }
            blocks.append(
                .toolUse(ToolUse(id: try call.required("id").string(), name: try function.required("name").string(), input: input)))
        }
        return blocks
    }

    /// Arguments as the model wrote them. Models do write broken JSON, and a conversation holding one
    /// such call must stay sendable, so anything but a JSON object becomes `{}`.
    static func toolInput(_ arguments: String) -> JSONValue {
        guard let value = try? JSONParser.parse(arguments), case .object = value else { return .object(JSONObject()) }
        return value
    }

    private static func toolResult(_ message: JSONCursor) throws(SluiceError) -> ToolResult {
        let id = try message.required("tool_call_id").string()
        let content = try textBlocks(message.optional("content")).map(ContentBlock.text)
        return ToolResult(toolUseID: id, content: content)
    }

    // MARK: - Tools

    private static func decodeTools(_ cursor: JSONCursor?) throws(SluiceError) -> [ToolDefinition] {
        guard let cursor else { return [] }
        var tools: [ToolDefinition] = []
        for tool in try cursor.array() {
            if let type = try tool.optional("type"), try type.string() != "function" {
                throw .invalidField(type.path, "only function tools are supported")
            }
            let function = try tool.required("function")
            var parameters = emptyParameters
            if let schema = try function.optional("parameters") {
                parameters = .object(try schema.object())
            }
            tools.append(
                ToolDefinition(
                    name: try function.required("name").string(),
                    description: try function.optional("description")?.string(),
                    inputSchema: parameters
                )
            )
        }
        return tools
    }

    private static func decodeToolChoice(_ cursor: JSONCursor?) throws(SluiceError) -> ToolChoice? {
        guard let cursor else { return nil }
        switch cursor.value {
        case "auto": return .auto
        case "none": return ToolChoice.none
        case "required": return .any
        case .object:
            if let type = try cursor.optional("type"), try type.string() != "function" {
                throw .invalidField(type.path, "only function tool choices are supported")
            }
            return .tool(name: try cursor.required("function").required("name").string())
        default:
            throw cursor.mismatch("\"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\"}}")
        }
    }
}
