public import SluiceCore

/// Decodes a client's Anthropic Messages request into a ``ChatRequest``.
///
/// Errors name the offending field (`messages[2].content[0].type: expected a string`). Fields
/// Sluice does not know are never an error: clients such as Claude Code add new ones with every
/// release. Top-level fields the canonical model does not interpret (`context_management`,
/// `output_config`, `service_tier`, `mcp_servers`, …) are kept verbatim in
/// ``ChatRequest/anthropicExtraFields`` so an Anthropic upstream still receives them.
///
/// ```swift
/// let request = try AnthropicRequestDecoder.decode(body, betaHeader: headers["anthropic-beta"])
/// ```
public enum AnthropicRequestDecoder {
    /// The endpoint a body was posted to; it decides whether `max_tokens` is required.
    public enum Endpoint: Sendable, Hashable {
        /// `POST /v1/messages`: `max_tokens` is required.
        case messages
        /// `POST /v1/messages/count_tokens`: `max_tokens` is optional, since nothing is generated.
        case countTokens
    }

    /// Top-level fields read into canonical fields. `output_config` is not among them: only its
    /// `effort` is interpreted, and the rest (a response format, …) must still reach Anthropic.
    static let interpretedFields: Set<String> = [
        "model", "max_tokens", "messages", "system", "stream", "stop_sequences", "temperature", "top_p", "top_k",
        "min_p", "repetition_penalty", "seed", "metadata", "tools", "tool_choice", "thinking",
    ]

    /// - Parameters:
    ///   - body: The parsed JSON body.
    ///   - betaHeader: The `anthropic-beta` header (comma-separated flags), or `nil`.
    ///   - endpoint: Which endpoint the body came to; `.countTokens` does not require `max_tokens`.
    public static func decode(_ body: JSONValue, betaHeader: String?, endpoint: Endpoint = .messages) throws(SluiceError) -> ChatRequest {
        let root = JSONCursor(root: body)
        let fields = try root.object()

        var request = ChatRequest(model: try root.required("model").string(), messages: try messages(root.required("messages")))
        switch endpoint {
        case .messages: request.maxTokens = try maxTokens(root.required("max_tokens"))
        case .countTokens: if let field = try root.optional("max_tokens") { request.maxTokens = try maxTokens(field) }
        }
        if let system = try root.optional("system") { request.system = try self.system(system) }
        request.stream = try root.optional("stream")?.bool() ?? false
        request.stopSequences = try root.optional("stop_sequences")?.strings() ?? []
        // Ranges as Anthropic enforces them.
        request.temperature = try root.optional("temperature")?.double(in: 0...1)
        request.topP = try root.optional("top_p")?.double(in: 0...1)
        request.topK = try root.optional("top_k")?.int(atLeast: 0)
        // Not Anthropic's: open-model servers' sampling extensions (and a seed), for the engine and
        // vLLM-style upstreams.
        request.minP = try SamplingExtensions.minP(root.optional("min_p"))
        request.repetitionPenalty = try SamplingExtensions.repetitionPenalty(root.optional("repetition_penalty"))
        request.seed = try root.optional("seed")?.int()
        request.user = try root.optional("metadata")?.optional("user_id")?.string()
        if let tools = try root.optional("tools") { (request.tools, request.anthropicServerTools) = try self.tools(tools) }
        if let choice = try root.optional("tool_choice") {
            (request.toolChoice, request.parallelToolCalls) = try toolChoice(choice)
        }
        var thinkingHasMore = false
        if let thinking = try root.optional("thinking") {
            request.thinking = try self.thinking(thinking)
            thinkingHasMore = try thinking.object().keys.contains { !["type", "budget_tokens"].contains($0) }
        }
        request.effort = try root.optional("output_config")?.optional("effort")?.string()
        if let format = try root.optional("output_config")?.optional("format") {
            request.responseFormat = try ResponseFormat(anthropic: format)
        }
        // A `thinking` with keys the canonical form cannot hold (Claude Code's `display`) travels on
        // to Anthropic too; the encoder lays the canonical setting over it.
        for (key, value) in fields where !interpretedFields.contains(key) || (key == "thinking" && thinkingHasMore) {
            request.anthropicExtraFields[key] = value
        }
        request.anthropicBeta = betaFlags(betaHeader)
        return request
    }

    private static func maxTokens(_ field: JSONCursor) throws(SluiceError) -> Int {
        try field.int(atLeast: 1)
    }

    private static func messages(_ field: JSONCursor) throws(SluiceError) -> [Message] {
        let elements = try field.array()
        guard !elements.isEmpty else { throw .invalidField(field.path, "at least one message is required") }
        var messages: [Message] = []
        messages.reserveCapacity(elements.count)
        for element in elements {
            let roleField = try element.required("role")
            // System messages after the first turn are real (Claude Code sends them) and stay in place.
            guard let role = Message.Role(rawValue: try roleField.string()) else {
                throw .invalidField(roleField.path, "expected \"user\", \"assistant\" or \"system\"")
            }
            messages.append(
                Message(
                    role: role, content: try AnthropicContentDecoder.content(element.required("content")),
                    anthropicExtraFields: try extraFields(of: element, interpreted: ["role", "content"])))
        }
        return messages
    }

    /// The fields of `object` outside `interpreted`, kept in order for Anthropic upstreams.
    private static func extraFields(of object: JSONCursor, interpreted: Set<String>) throws(SluiceError) -> JSONObject {
        JSONObject(try object.object().filter { !interpreted.contains($0.key) }.map { ($0.key, $0.value) })
    }

    /// `system` is a string or a list of text blocks, each keeping its `cache_control`.
    private static func system(_ field: JSONCursor) throws(SluiceError) -> [TextContent] {
        if case .string(let text) = field.value { return text.isEmpty ? [] : [TextContent(text)] }
        var blocks: [TextContent] = []
        for element in try field.array() {
            for case .text(let text) in try AnthropicContentDecoder.blocks(element) { blocks.append(text) }
        }
        return blocks
    }

    /// Custom tools, and Anthropic's server tools (`web_search_20250305`, `code_execution_…`):
    /// those have a type and no schema, and only an Anthropic upstream can run them.
    private static func tools(_ field: JSONCursor) throws(SluiceError) -> (custom: [ToolDefinition], server: [JSONValue]) {
        var tools: [ToolDefinition] = []
        var serverTools: [JSONValue] = []
        for element in try field.array() {
            let type = try element.optional("type")?.string()
            let schema = try element.optional("input_schema")
            if let type, type != "custom", schema == nil {
                serverTools.append(element.value)
                continue
            }
            guard let schema else { throw .invalidField("\(element.path).input_schema", "field required") }
            _ = try schema.object()
            tools.append(
                ToolDefinition(
                    name: try element.required("name").string(),
                    description: try element.optional("description")?.string(),
                    inputSchema: schema.value,
                    cacheControl: try element.optional("cache_control")?.value,
                    anthropicExtraFields: try extraFields(
                        of: element, interpreted: ["name", "description", "input_schema", "cache_control"])
                )
            )
        }
        return (tools, serverTools)
    }

    private static func toolChoice(_ field: JSONCursor) throws(SluiceError) -> (ToolChoice, Bool?) {
        let typeField = try field.required("type")
        let choice: ToolChoice
        switch try typeField.string() {
        case "auto": choice = .auto
        case "any": choice = .any
        case "none": choice = .none
        case "tool": choice = .tool(name: try field.required("name").string())
        default: throw .invalidField(typeField.path, "expected \"auto\", \"any\", \"tool\" or \"none\"")
        }
        guard let disableParallel = try field.optional("disable_parallel_tool_use")?.bool() else { return (choice, nil) }
        return (choice, !disableParallel)
    }

    private static func thinking(_ field: JSONCursor) throws(SluiceError) -> ThinkingConfig {
        let typeField = try field.required("type")
        switch try typeField.string() {
        case "enabled": return .enabled(budgetTokens: try field.optional("budget_tokens")?.int())
        case "adaptive": return .adaptive
        case "disabled": return .disabled
        default: throw .invalidField(typeField.path, "expected \"enabled\", \"adaptive\" or \"disabled\"")
        }
    }

    /// `anthropic-beta: a, b,c` → `["a", "b", "c"]`.
    static func betaFlags(_ header: String?) -> [String] {
        guard let header else { return [] }
        return header.split(separator: ",").compactMap { flag in
            let trimmed = flag.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
            return trimmed.isEmpty ? nil : String(trimmed)
        }
    }
}
