/// One chat request in Sluice's canonical form: what every front decodes into, what the policy
/// chain inspects and rewrites, and what every backend encodes for its upstream.
///
/// It is a superset of what the Anthropic Messages and OpenAI Chat Completions APIs carry, so an
/// Anthropic request can reach an Anthropic upstream without losing cache hints, thinking
/// signatures or betas.
public struct ChatRequest: Sendable, Hashable {
    /// The model name as the client sent it; routing may rewrite what goes upstream.
    public var model: String
    /// System text blocks from the head of the request (Anthropic `system`, leading OpenAI system messages).
    public var system: [TextContent]
    public var messages: [Message]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    /// `false` when the client asked for one tool call at a time.
    public var parallelToolCalls: Bool?
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    /// Open-model sampling extensions (vLLM, SGLang and llama-server take them; neither vendor API
    /// has them): the least probability relative to the likeliest token, and the penalty on repeats.
    public var minP: Double?
    public var repetitionPenalty: Double?
    public var stopSequences: [String]
    public var stream: Bool
    public var thinking: ThinkingConfig?
    /// Reasoning effort (`output_config.effort`, OpenAI `reasoning_effort`): "low", "medium", "high", ….
    public var effort: String?
    /// The end user on whose behalf the request is made (`metadata.user_id`, OpenAI `user`).
    public var user: String?
    /// The client's agent session (Claude Code's gateway headers), set by the fronts; `nil` when none was sent.
    public var clientSession: ClientSession?
    public var seed: Int?
    public var frequencyPenalty: Double?
    public var presencePenalty: Double?
    /// Anthropic beta flags from the `anthropic-beta` header, forwarded to Anthropic upstreams.
    public var anthropicBeta: [String]
    /// Top-level fields of an Anthropic request that the canonical model does not interpret
    /// (`context_management`, `output_config`, …), forwarded untouched to Anthropic upstreams only.
    public var anthropicExtraFields: JSONObject
    /// Anthropic server tools (`web_search_20250305`, …), which only Anthropic itself runs:
    /// forwarded verbatim to Anthropic upstreams, left out for every other backend.
    public var anthropicServerTools: [JSONValue]
    /// The shape the answer must take (OpenAI `response_format`, Responses `text.format`); `nil` for free text.
    public var responseFormat: ResponseFormat?
    /// OpenAI's built-in Responses tools (`web_search`, `file_search`, `mcp`, …), which only an
    /// OpenAI Responses upstream runs: forwarded verbatim to those, refused by every other backend.
    public var openAIBuiltInTools: [JSONValue]
    /// Top-level fields of a Responses request that the canonical model does not interpret
    /// (`include`, `reasoning.summary`, `text.verbosity`, `service_tier`, …), forwarded untouched
    /// to OpenAI Responses upstreams only.
    public var openAIResponsesExtraFields: JSONObject

    public init(
        model: String,
        system: [TextContent] = [],
        messages: [Message],
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice? = nil,
        parallelToolCalls: Bool? = nil,
        maxTokens: Int? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        topK: Int? = nil,
        minP: Double? = nil,
        repetitionPenalty: Double? = nil,
        stopSequences: [String] = [],
        stream: Bool = false,
        thinking: ThinkingConfig? = nil,
        effort: String? = nil,
        user: String? = nil,
        seed: Int? = nil,
        frequencyPenalty: Double? = nil,
        presencePenalty: Double? = nil,
        anthropicBeta: [String] = [],
        anthropicExtraFields: JSONObject = JSONObject(),
        anthropicServerTools: [JSONValue] = [],
        responseFormat: ResponseFormat? = nil,
        openAIBuiltInTools: [JSONValue] = [],
        openAIResponsesExtraFields: JSONObject = JSONObject()
    ) {
        self.model = model
        self.system = system
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.stopSequences = stopSequences
        self.stream = stream
        self.thinking = thinking
        self.effort = effort
        self.user = user
        self.seed = seed
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.anthropicBeta = anthropicBeta
        self.anthropicExtraFields = anthropicExtraFields
        self.anthropicServerTools = anthropicServerTools
        self.responseFormat = responseFormat
        self.openAIBuiltInTools = openAIBuiltInTools
        self.openAIResponsesExtraFields = openAIResponsesExtraFields
    }
}

/// How much the model should think before answering.
public enum ThinkingConfig: Sendable, Hashable {
    case enabled(budgetTokens: Int?)
    /// The model decides (Claude Code's default).
    case adaptive
    case disabled
}

/// Which tools the model may or must call.
public enum ToolChoice: Sendable, Hashable {
    case auto
    /// Some tool must be called (OpenAI `required`).
    case any
    case none
    case tool(name: String)
}

/// A tool the model may call.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// JSON Schema of the tool's input, in the client's key order.
    public var inputSchema: JSONValue
    /// Anthropic prompt-caching hint, kept for Anthropic upstreams only.
    public var cacheControl: JSONValue?
    /// Fields of an Anthropic tool Sluice does not interpret (`defer_loading`, …), for Anthropic upstreams only.
    public var anthropicExtraFields: JSONObject

    public init(
        name: String, description: String? = nil, inputSchema: JSONValue, cacheControl: JSONValue? = nil,
        anthropicExtraFields: JSONObject = JSONObject()
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.cacheControl = cacheControl
        self.anthropicExtraFields = anthropicExtraFields
    }
}
