public import SluiceConfig
public import SluiceCore
public import Tracing

/// The span attributes of a request, named as the OpenTelemetry GenAI semantic conventions name
/// them, with Sluice's own under `sluice.`.
///
/// Pure functions of the request and its answer, so what a span holds is tested without a collector.
public enum GenAIAttributes {
    public static let operationName = "gen_ai.operation.name"
    public static let providerName = "gen_ai.provider.name"
    public static let requestModel = "gen_ai.request.model"
    public static let requestMaxTokens = "gen_ai.request.max_tokens"
    public static let requestTemperature = "gen_ai.request.temperature"
    public static let requestTopP = "gen_ai.request.top_p"
    public static let requestTopK = "gen_ai.request.top_k"
    public static let requestSeed = "gen_ai.request.seed"
    public static let responseModel = "gen_ai.response.model"
    public static let responseID = "gen_ai.response.id"
    public static let responseFinishReasons = "gen_ai.response.finish_reasons"
    public static let inputTokens = "gen_ai.usage.input_tokens"
    public static let outputTokens = "gen_ai.usage.output_tokens"
    public static let cacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
    public static let cacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens"
    /// Claude Code's agent (`x-claude-code-agent-id`).
    public static let agentID = "gen_ai.agent.id"
    public static let inputMessages = "gen_ai.input.messages"
    public static let systemInstructions = "gen_ai.system_instructions"
    public static let outputMessages = "gen_ai.output.messages"
    /// Claude Code's session (`x-claude-code-session-id`), which usage rows record too.
    public static let sessionID = "session.id"
    public static let errorType = "error.type"
    public static let httpStatusCode = "http.response.status_code"

    public static let keyName = "sluice.key.name"
    public static let policy = "sluice.policy"
    public static let requestID = "sluice.request.id"
    public static let parentAgentID = "sluice.parent_agent.id"
    public static let stream = "sluice.stream"
    public static let backend = "sluice.backend"
    public static let cacheHit = "sluice.cache_hit"
    public static let policyStage = "sluice.policy.stage"
    public static let policyVerdict = "sluice.policy.verdict"
    /// The team of the calling key; see ``RequestSpan/recordSpend(team:costUSD:)``.
    public static let teamName = "sluice.team.name"
    /// The request's cost in US dollars; see ``RequestSpan/recordSpend(team:costUSD:)``.
    public static let costUSD = "sluice.cost.usd"

    /// Who asked what, known before the policy runs.
    public static func request(
        operation: GenAIOperation, model: String, session: ClientSession?, caller: String, policyName: String,
        gatewayRequestID: String
    ) -> SpanAttributes {
        var attributes = SpanAttributes()
        attributes[operationName] = operation.rawValue
        attributes[requestModel] = model
        attributes[keyName] = caller
        attributes[policy] = policyName
        attributes[requestID] = gatewayRequestID
        if let session {
            if let id = session.sessionID { attributes[sessionID] = id }
            if let id = session.agentID { attributes[agentID] = id }
            if let id = session.parentAgentID { attributes[parentAgentID] = id }
        }
        return attributes
    }

    /// How a chat request asked to be answered.
    public static func parameters(of request: ChatRequest) -> SpanAttributes {
        var attributes = SpanAttributes()
        attributes[stream] = request.stream
        if let maxTokens = request.maxTokens { attributes[requestMaxTokens] = maxTokens }
        if let temperature = request.temperature { attributes[requestTemperature] = temperature }
        if let topP = request.topP { attributes[requestTopP] = topP }
        if let topK = request.topK { attributes[requestTopK] = topK }
        if let seed = request.seed { attributes[requestSeed] = seed }
        return attributes
    }

    /// What came back: the model that answered, the tokens, why it stopped.
    public static func response(
        model: String?, id: String?, usage: Usage, stopReason: StopReason?, operation: GenAIOperation
    ) -> SpanAttributes {
        var attributes = SpanAttributes()
        if let model { attributes[responseModel] = model }
        if let id { attributes[responseID] = id }
        attributes[inputTokens] = usage.totalInputTokens
        if operation == .chat {
            attributes[outputTokens] = usage.outputTokens
            if usage.cacheReadInputTokens > 0 { attributes[cacheReadInputTokens] = usage.cacheReadInputTokens }
            if usage.cacheCreationInputTokens > 0 { attributes[cacheCreationInputTokens] = usage.cacheCreationInputTokens }
        }
        if let stopReason { attributes[responseFinishReasons] = [finishReason(stopReason)] }
        return attributes
    }

    /// The convention's finish reasons are OpenAI's words; Anthropic's map onto them.
    public static func finishReason(_ reason: StopReason) -> String {
        switch reason {
        case .endTurn, .stopSequence: "stop"
        case .maxTokens: "length"
        case .toolUse: "tool_calls"
        case .refusal: "content_filter"
        case .pauseTurn: "pause_turn"
        }
    }

    /// `gen_ai.provider.name` for a backend type: the API it speaks. The embedded engine is llama.cpp.
    public static func provider(of kind: BackendConfiguration.Kind) -> String {
        switch kind {
        case .openai, .openAIResponses: "openai"
        case .anthropic: "anthropic"
        case .llama: "llama.cpp"
        }
    }

    /// The prompt as the upstream got it (after the policy's rewriting), in the convention's JSON
    /// shape: system instructions apart, then each message's role and parts.
    public static func inputContent(of request: ChatRequest) -> SpanAttributes {
        var attributes = SpanAttributes()
        if !request.system.isEmpty {
            let parts: [JSONValue] = request.system.map { ["type": "text", "content": .string($0.text)] }
            attributes[systemInstructions] = JSONValue.array(parts).serializedString()
        }
        let messages: [JSONValue] = request.messages.map { message in
            ["role": .string(message.role.rawValue), "parts": .array(parts(of: message.content))]
        }
        attributes[inputMessages] = JSONValue.array(messages).serializedString()
        return attributes
    }

    /// The answer as the client got it (after the policy's rewriting).
    public static func outputContent(of response: ChatResponse) -> SpanAttributes {
        var message: JSONObject = ["role": "assistant", "parts": .array(parts(of: response.content))]
        if let reason = response.stopReason { message["finish_reason"] = .string(finishReason(reason)) }
        var attributes = SpanAttributes()
        attributes[outputMessages] = JSONValue.array([.object(message)]).serializedString()
        return attributes
    }

    private static func parts(of content: [ContentBlock]) -> [JSONValue] {
        content.compactMap { block -> JSONValue? in
            switch block {
            case .text(let text): ["type": "text", "content": .string(text.text)]
            case .thinking(let thinking): ["type": "reasoning", "content": .string(thinking.text)]
            case .toolUse(let call): ["type": "tool_call", "id": .string(call.id), "name": .string(call.name), "arguments": call.input]
            case .toolResult(let result):
                ["type": "tool_call_response", "id": .string(result.toolUseID), "response": .string(result.text)]
            case .image, .redactedThinking, .anthropicOnly, .responsesOnly: nil
            }
        }
    }
}
