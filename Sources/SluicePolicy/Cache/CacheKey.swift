internal import SluiceCore
internal import SluiceCrypto

/// The response cache's key: the SHA-256 of a stable serialization of everything in a
/// canonical request that can change the answer, and nothing that cannot.
///
/// In: the scope (the key's id, or `shared`), model, system text, messages, tools, tool choice,
/// parallel tool calls, every sampling parameter (max tokens, temperature, top p, top k, stop
/// sequences, thinking, effort, seed, penalties), Anthropic beta flags, Anthropic server tools
/// and the Anthropic fields Sluice forwards untouched (`context_management`, a message's
/// `output_config`, a tool's `defer_loading`, …), which can change an answer.
///
/// Out: whether the client streams (a hit is replayed as a stream or not), the end user, prompt
/// caching hints (`cache_control`), thinking signatures (an OpenAI client cannot send them back,
/// and they do not change the answer), `output_config.effort` (already in `effort`, which an
/// OpenAI client sends as `reasoning_effort`), and Claude Code's billing line in the system
/// prompt, whose hash changes on every request. So an OpenAI and an Anthropic client asking the
/// same thing share an entry.
///
/// The serialization is JSON with fixed field order, which is unambiguous: no two requests
/// that differ in a field above serialize alike.
enum CacheKey {
    static func make(for request: ChatRequest, scope: String) -> String {
        SHA256.hexDigest(of: material(for: request, scope: scope).serialized())
    }

    static func material(for request: ChatRequest, scope: String) -> JSONValue {
        var request = request
        request.removeBillingHeader()
        var extra = request.anthropicExtraFields
        if var outputConfig = extra["output_config"]?.objectValue {
            outputConfig["effort"] = nil
            extra["output_config"] = outputConfig.isEmpty ? nil : .object(outputConfig)
        }
        return [
            "v": 1,
            "scope": .string(scope),
            "model": .string(request.model),
            "system": .array(request.system.map { .string($0.text) }),
            "messages": .array(
                request.messages.map { message in
                    [
                        "role": .string(message.role.rawValue), "content": .array(message.content.map(block)),
                        "anthropic_extra": .object(message.anthropicExtraFields),
                    ]
                }),
            "tools": .array(
                request.tools.map { tool in
                    [
                        "name": .string(tool.name), "description": optional(tool.description), "input_schema": tool.inputSchema,
                        "anthropic_extra": .object(tool.anthropicExtraFields),
                    ]
                }),
            "anthropic_server_tools": .array(request.anthropicServerTools),
            "tool_choice": toolChoice(request.toolChoice),
            "parallel_tool_calls": request.parallelToolCalls.map { .bool($0) } ?? .null,
            "max_tokens": request.maxTokens.map { .integer($0) } ?? .null,
            "temperature": request.temperature.map { .double($0) } ?? .null,
            "top_p": request.topP.map { .double($0) } ?? .null,
            "top_k": request.topK.map { .integer($0) } ?? .null,
            "min_p": request.minP.map { .double($0) } ?? .null,
            "repetition_penalty": request.repetitionPenalty.map { .double($0) } ?? .null,
            "stop": .array(request.stopSequences.map { .string($0) }),
            "thinking": thinking(request.thinking),
            "effort": optional(request.effort),
            "seed": request.seed.map { .integer($0) } ?? .null,
            "frequency_penalty": request.frequencyPenalty.map { .double($0) } ?? .null,
            "presence_penalty": request.presencePenalty.map { .double($0) } ?? .null,
            "anthropic_beta": .array(request.anthropicBeta.sorted().map { .string($0) }),
            "anthropic_extra": .object(extra),
            "response_format": responseFormat(request.responseFormat),
            "openai_built_in_tools": .array(request.openAIBuiltInTools),
            "openai_responses_extra": .object(request.openAIResponsesExtraFields),
        ]
    }

    private static func block(_ block: ContentBlock) -> JSONValue {
        switch block {
        case .text(let text):
            return ["text": .string(text.text)]
        case .image(let image):
            switch image.source {
            case .base64(let mediaType, let data): return ["image_base64": [.string(mediaType), .string(data)]]
            case .url(let url): return ["image_url": .string(url)]
            }
        case .toolUse(let call):
            return ["tool_use": [.string(call.id), .string(call.name), call.input]]
        case .toolResult(let result):
            return ["tool_result": [.string(result.toolUseID), .bool(result.isError), .array(result.content.map(Self.block))]]
        case .thinking(let thinking):
            return ["thinking": .string(thinking.text)]
        case .redactedThinking(let data):
            return ["redacted_thinking": .string(data)]
        case .anthropicOnly(let block):
            return ["anthropic_only": .object(block.anthropicBlock)]
        case .responsesOnly(let block):
            return ["responses_only": .object(block.item)]
        }
    }

    private static func toolChoice(_ choice: ToolChoice?) -> JSONValue {
        guard let choice else { return .null }
        return switch choice {
        case .auto: "auto"
        case .any: "any"
        case .none: "none"
        case .tool(let name): ["tool": .string(name)]
        }
    }

    private static func thinking(_ thinking: ThinkingConfig?) -> JSONValue {
        guard let thinking else { return .null }
        return switch thinking {
        case .enabled(let budget): ["enabled": budget.map { .integer($0) } ?? .null]
        case .adaptive: "adaptive"
        case .disabled: "disabled"
        }
    }

    private static func responseFormat(_ format: ResponseFormat?) -> JSONValue {
        guard let format else { return .null }
        return switch format {
        case .text: "text"
        case .jsonObject: "json_object"
        case .jsonSchema(let name, let schema, let strict): ["json_schema": [.string(name), schema, .bool(strict)]]
        }
    }

    private static func optional(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }
}
