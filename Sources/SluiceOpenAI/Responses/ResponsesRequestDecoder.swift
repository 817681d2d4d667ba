public import SluiceCore

/// Decodes an OpenAI Responses API request body (`POST /v1/responses`) into a ``ResponsesRequest``.
///
/// ```swift
/// let request = try ResponsesRequestDecoder.decode(body, history: storedItems)
/// ```
/// `history` is the conversation a `previous_response_id` continues (its input and output items),
/// which goes before this request's `input`. `instructions` are this request's own: as in OpenAI's
/// API, those of the previous response are not carried over. Errors name the offending field;
/// fields Sluice does not interpret are ignored.
public enum ResponsesRequestDecoder {
    /// The `previous_response_id` of a body, read before decoding so the stored conversation can be loaded.
    public static func previousResponseID(in body: JSONValue) throws(SluiceError) -> String? {
        let root = JSONCursor(root: body)
        _ = try root.object()
        return try root.optional("previous_response_id")?.string()
    }

    public static func decode(_ body: JSONValue, history: [JSONValue] = []) throws(SluiceError) -> ResponsesRequest {
        let root = JSONCursor(root: body)
        _ = try root.object()
        let model = try root.required("model").string()
        if let background = try root.optional("background"), try background.bool() {
            throw .invalidField(background.path, "background responses are not supported")
        }
        if let conversation = try root.optional("conversation") {
            throw .invalidField(conversation.path, "conversations are not supported; continue with previous_response_id")
        }
        let input = try root.required("input")
        let inputItems = try self.inputItems(input)
        let instructions = try root.optional("instructions")?.string()

        var conversation = ResponsesConversation()
        if let instructions, !instructions.isEmpty { conversation.system.append(TextContent(instructions)) }
        for item in history { try conversation.add(JSONCursor(root: item)) }
        // A string input has no path of its own to point errors at, and cannot be wrong.
        let inputCursors = if case .string = input.value { inputItems.map(JSONCursor.init(root:)) } else { try input.array() }
        for item in inputCursors { try conversation.add(item) }
        guard !conversation.messages.isEmpty else { throw .invalidField("input", "at least one input item is required") }

        var chat = ChatRequest(model: model, system: conversation.system, messages: conversation.messages)
        chat.maxTokens = try root.optional("max_output_tokens")?.int(atLeast: 1)
        chat.temperature = try root.optional("temperature")?.double(in: 0...2)
        chat.topP = try root.optional("top_p")?.double(in: 0...1)
        chat.stream = try root.optional("stream")?.bool() ?? false
        (chat.tools, chat.openAIBuiltInTools) = try tools(root.optional("tools"))
        chat.toolChoice = try toolChoice(root.optional("tool_choice"))
        chat.parallelToolCalls = try root.optional("parallel_tool_calls")?.bool()
        chat.user = try root.optional("user")?.string()
        var reasoningSummary = false
        if let reasoning = try root.optional("reasoning") {
            chat.effort = try reasoning.optional("effort")?.string()
            if let summary = try reasoning.optional("summary")?.string() { reasoningSummary = summary != "none" }
        }
        if let format = try root.optional("text")?.optional("format") { chat.responseFormat = try responseFormat(format) }
        if let metadata = try root.optional("metadata") { _ = try metadata.object() }
        let include = try root.optional("include")?.array().map { value throws(SluiceError) in try value.string() } ?? []
        for name in upstreamOnlyFields { if let value = try root.optional(name) { chat.openAIResponsesExtraFields[name] = value.value } }

        return ResponsesRequest(
            chat: chat, store: try root.optional("store")?.bool() ?? true,
            previousResponseID: try root.optional("previous_response_id")?.string(), inputItems: inputItems,
            requestFields: requestFields(body), reasoningSummary: reasoningSummary,
            includesEncryptedReasoning: include.contains("reasoning.encrypted_content"))
    }

    /// Fields only a Responses upstream reads, passed on as sent (`reasoning` and `text` too, for
    /// `summary` and `verbosity`; the canonical effort and format override theirs).
    static let upstreamOnlyFields = [
        "include", "reasoning", "text", "truncation", "service_tier", "prompt_cache_key", "safety_identifier", "metadata",
        "max_tool_calls", "top_logprobs", "prompt",
    ]

    /// `input` as items: a string is one user message.
    private static func inputItems(_ input: JSONCursor) throws(SluiceError) -> [JSONValue] {
        if case .string(let text) = input.value {
            return [["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]]]
        }
        return try input.array().map(\.value)
    }

    /// The settings OpenAI echoes in a `response` object, with its defaults for those not sent.
    private static func requestFields(_ body: JSONValue) -> JSONObject {
        func field(_ name: String, default value: JSONValue = .null) -> (String, JSONValue) {
            (name, body[name].flatMap { $0 == .null ? nil : $0 } ?? value)
        }
        let reasoning = body["reasoning"]
        return JSONObject([
            field("instructions"), field("max_output_tokens"), field("metadata", default: [:]),
            field("parallel_tool_calls", default: true), field("previous_response_id"),
            ("reasoning", ["effort": reasoning?["effort"] ?? .null, "summary": reasoning?["summary"] ?? .null]),
            field("store", default: true), field("temperature"), field("text", default: ["format": ["type": "text"]]),
            field("tool_choice", default: "auto"), field("tools", default: []), field("top_p"),
            field("truncation", default: "disabled"), field("user"),
        ])
    }

    // MARK: - Tools

    /// Function tools, and OpenAI's built-in ones, which only a Responses upstream runs (the
    /// dispatcher refuses them for any other).
    private static func tools(_ cursor: JSONCursor?) throws(SluiceError) -> (functions: [ToolDefinition], builtIn: [JSONValue]) {
        guard let cursor else { return ([], []) }
        var tools: [ToolDefinition] = []
        var builtIn: [JSONValue] = []
        for tool in try cursor.array() {
            guard try tool.required("type").string() == "function" else {
                builtIn.append(tool.value)
                continue
            }
            var parameters = OpenAIRequestDecoder.emptyParameters
            if let schema = try tool.optional("parameters") { parameters = .object(try schema.object()) }
            tools.append(
                ToolDefinition(
                    name: try tool.required("name").string(), description: try tool.optional("description")?.string(),
                    inputSchema: parameters))
        }
        return (tools, builtIn)
    }

    private static func toolChoice(_ cursor: JSONCursor?) throws(SluiceError) -> ToolChoice? {
        guard let cursor else { return nil }
        switch cursor.value {
        case "auto": return .auto
        case "none": return ToolChoice.none
        case "required": return .any
        case .object:
            let type = try cursor.required("type")
            guard try type.string() == "function" else {
                throw .invalidField(type.path, "tool choice type '\(try type.string())' is not supported; only function is")
            }
            return .tool(name: try cursor.required("name").string())
        default:
            throw cursor.mismatch("\"auto\", \"none\", \"required\" or {\"type\":\"function\",\"name\"}")
        }
    }

    private static func responseFormat(_ format: JSONCursor) throws(SluiceError) -> ResponseFormat {
        let type = try format.required("type")
        switch try type.string() {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            let schema = try format.required("schema")
            _ = try schema.object()
            return .jsonSchema(
                name: try format.required("name").string(), schema: schema.value, strict: try format.optional("strict")?.bool() ?? false)
        default:
            throw .invalidField(type.path, "unsupported format type '\(try type.string())'")
        }
    }
}
