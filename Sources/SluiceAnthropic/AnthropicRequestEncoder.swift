public import SluiceCore

/// Encodes a ``ChatRequest`` for an Anthropic-compatible upstream, natively: cache hints, thinking
/// signatures, redacted thinking, system messages in place and the client's extra fields all
/// survive, so a request from an Anthropic client reaches Anthropic as the client wrote it.
///
/// Keys come in a fixed order (`model`, `max_tokens`, `system`, `messages`, …, then the extra
/// fields in the client's order), so equal requests serialise to equal bytes.
public enum AnthropicRequestEncoder {
    /// Anthropic requires `max_tokens`; OpenAI clients often leave it out.
    public static let defaultMaxTokens = 4096

    /// - Parameters:
    ///   - request: The request, its `model` already the upstream's name for it.
    ///   - stream: Whether to ask the upstream for an event stream.
    public static func encode(_ request: ChatRequest, stream: Bool) -> JSONValue {
        var body = JSONObject()
        body["model"] = .string(request.model)
        body["max_tokens"] = .integer(request.maxTokens ?? defaultMaxTokens)
        if let system = system(request.system) { body["system"] = system }
        body["messages"] = .array(request.messages.map(message))
        if !request.tools.isEmpty || !request.anthropicServerTools.isEmpty {
            body["tools"] = .array(request.tools.map(tool) + request.anthropicServerTools)
        }
        if let choice = toolChoice(request) { body["tool_choice"] = choice }
        if let thinking = thinking(request) { body["thinking"] = thinking }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        if let topK = request.topK { body["top_k"] = .integer(topK) }
        // Passed on as the client sent them: an Anthropic-compatible server may take them, Anthropic refuses them.
        if let minP = request.minP { body["min_p"] = .double(minP) }
        if let penalty = request.repetitionPenalty { body["repetition_penalty"] = .double(penalty) }
        if let seed = request.seed { body["seed"] = .integer(seed) }
        if !request.stopSequences.isEmpty { body["stop_sequences"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let user = request.user { body["metadata"] = ["user_id": .string(user)] }
        if let outputConfig = outputConfig(request) { body["output_config"] = outputConfig }
        body["stream"] = .bool(stream)
        // Extra fields never override a canonical one: a policy's rewrite of `thinking` or
        // `output_config` must win over what the client first sent.
        for (key, value) in request.anthropicExtraFields where body[key] == nil && !reconciledFields.contains(key) {
            body[key] = value
        }
        return .object(body)
    }

    /// Extra fields merged into their canonical counterparts instead of copied.
    private static let reconciledFields: Set<String> = ["thinking", "output_config"]

    /// A lone uncached block goes as a plain string, which every Anthropic-compatible server accepts.
    private static func system(_ blocks: [TextContent]) -> JSONValue? {
        switch blocks.count {
        case 0: return nil
        case 1 where blocks[0].cacheControl == nil: return .string(blocks[0].text)
        default: return .array(blocks.compactMap { AnthropicContentEncoder.block(.text($0)) })
        }
    }

    private static func message(_ message: Message) -> JSONValue {
        let content = message.content.compactMap { block -> JSONValue? in
            // Anthropic refuses thinking without a valid signature; unsigned thinking came from
            // another backend and is left out, as Anthropic itself drops earlier turns' thinking.
            if case .thinking(let thinking) = block, thinking.signature?.isEmpty ?? true { return nil }
            return AnthropicContentEncoder.block(block)
        }
        var object: JSONObject = ["role": .string(message.role.rawValue), "content": .array(content)]
        for (key, value) in message.anthropicExtraFields where object[key] == nil { object[key] = value }
        return .object(object)
    }

    private static func tool(_ tool: ToolDefinition) -> JSONValue {
        var object = JSONObject()
        object["name"] = .string(tool.name)
        if let description = tool.description { object["description"] = .string(description) }
        object["input_schema"] = tool.inputSchema
        if let cacheControl = tool.cacheControl { object["cache_control"] = cacheControl }
        for (key, value) in tool.anthropicExtraFields where object[key] == nil { object[key] = value }
        return .object(object)
    }

    private static func toolChoice(_ request: ChatRequest) -> JSONValue? {
        // One call at a time with no choice made is Anthropic's `auto` plus the flag.
        guard let choice = request.toolChoice ?? (request.parallelToolCalls == false ? .auto : nil) else { return nil }
        var object = JSONObject()
        switch choice {
        case .auto: object["type"] = "auto"
        case .any: object["type"] = "any"
        case .none: return ["type": "none"]  // Anthropic's `none` takes no parallel flag
        case .tool(let name):
            object["type"] = "tool"
            object["name"] = .string(name)
        }
        if let parallel = request.parallelToolCalls { object["disable_parallel_tool_use"] = .bool(!parallel) }
        return .object(object)
    }

    /// The canonical setting, on top of the client's own `thinking` object when it was of the same
    /// type, so keys the canonical form does not hold (Claude Code's `display`) are kept.
    private static func thinking(_ request: ChatRequest) -> JSONValue? {
        guard let thinking = request.thinking else { return nil }
        let type: String
        switch thinking {
        case .enabled: type = "enabled"
        case .adaptive: type = "adaptive"
        case .disabled: type = "disabled"
        }
        var object = JSONObject()
        if let original = request.anthropicExtraFields["thinking"]?.objectValue, original["type"] == .string(type) {
            object = original
        }
        object["type"] = .string(type)
        object["budget_tokens"] = nil
        if case .enabled(let budget?) = thinking { object["budget_tokens"] = .integer(budget) }
        return .object(object)
    }

    /// The client's `output_config` with `effort` and a JSON schema's `format` set from the
    /// canonical fields, which a policy or another front may have set.
    private static func outputConfig(_ request: ChatRequest) -> JSONValue? {
        var object = request.anthropicExtraFields["output_config"]?.objectValue ?? JSONObject()
        object["effort"] = request.effort.map(JSONValue.string)
        if let format = request.responseFormat?.anthropicJSON { object["format"] = format }
        return object.isEmpty ? nil : .object(object)
    }
}
