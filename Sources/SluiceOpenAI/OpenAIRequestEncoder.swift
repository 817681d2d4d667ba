public import SluiceCore

/// Encodes a canonical ``ChatRequest`` as a Chat Completions request for an OpenAI-compatible
/// upstream (vLLM, SGLang, llama-server, OpenAI).
///
/// The conversation is reshaped where the two APIs differ, in the ways model servers and their
/// chat templates accept:
/// - the system blocks become one leading `system` message; the billing line Claude Code puts first
///   is removed (unless kept by the options), as its per-request hash would defeat the prefix cache;
/// - system messages from the middle of the conversation stay where they are, either as `system`
///   messages or folded into the neighbouring user turn (``OpenAIUpstreamOptions/systemMessages``),
///   and never land between an assistant's tool calls and their results;
/// - a user turn's tool results become `tool` messages, first and in order, and the rest of the turn
///   (Claude Code's `<system-reminder>` text, images) follows as one `user` message;
/// - thinking goes back as `reasoning_content`, which reasoning-model templates read or drop.
///
/// Object keys keep their order (tool schemas, tool-call arguments), so an unchanged conversation
/// encodes to the same bytes and the upstream's prefix cache keeps hitting.
public enum OpenAIRequestEncoder {
    public static func encode(_ request: ChatRequest, stream: Bool, options: OpenAIUpstreamOptions) -> JSONValue {
        var request = request
        if !options.keepBillingHeader { request.removeBillingHeader() }

        var body = JSONObject()
        body["model"] = .string(request.model)
        body["messages"] = .array(encodeMessages(request, placement: options.systemMessages))
        // OpenAI rejects `tool_choice` and `parallel_tool_calls` without `tools`.
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(encodeTool))
            if let toolChoice = request.toolChoice { body["tool_choice"] = encodeToolChoice(toolChoice) }
            if request.parallelToolCalls == false { body["parallel_tool_calls"] = false }
        }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .integer(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        if options.extendedSampling {
            if let topK = request.topK { body["top_k"] = .integer(topK) }
            if let minP = request.minP { body["min_p"] = .double(minP) }
            if let penalty = request.repetitionPenalty { body["repetition_penalty"] = .double(penalty) }
        }
        if !request.stopSequences.isEmpty { body["stop"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let seed = request.seed { body["seed"] = .integer(seed) }
        if let penalty = request.frequencyPenalty { body["frequency_penalty"] = .double(penalty) }
        if let penalty = request.presencePenalty { body["presence_penalty"] = .double(penalty) }
        if let user = request.user { body["user"] = .string(user) }
        if let format = request.responseFormat { body["response_format"] = format.openAIJSON }

        switch options.reasoning {
        case .none:
            break
        case .reasoningEffort:
            if let effort = reasoningEffort(request) { body["reasoning_effort"] = .string(effort) }
        case .chatTemplateKwargs:
            switch request.thinking {
            case .enabled?, .adaptive?: body["chat_template_kwargs"] = ["enable_thinking": true]
            case .disabled?: body["chat_template_kwargs"] = ["enable_thinking": false]
            case nil: break
            }
        }

        if stream {
            body["stream"] = true
            // Sluice meters every request, so it always asks for the usage chunk.
            body["stream_options"] = ["include_usage": true]
        }
        return .object(body)
    }

    /// The request's effort, else one derived from its thinking budget.
    /// The OpenAI `reasoning_effort` a request's thinking settings amount to, if any.
    public static func reasoningEffort(_ request: ChatRequest) -> String? {
        if let effort = request.effort {
            // Anthropic's top effort; OpenAI-compatible servers stop at "high".
            return effort == "max" ? "high" : effort
        }
        switch request.thinking {
        case .enabled(let budget?)?: return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high"
        case .enabled(nil)?, .adaptive?: return "medium"
        case .disabled?, nil: return nil
        }
    }

    // MARK: - Messages

    private static func encodeMessages(_ request: ChatRequest, placement: OpenAIUpstreamOptions.SystemMessagePlacement) -> [JSONValue] {
        var wire: [JSONValue] = []
        let system = request.system.map(\.text).joined(separator: "\n")
        if !system.isEmpty { wire.append(["role": "system", "content": .string(system)]) }

        let messages = placement == .fold ? foldingSystemMessages(request.messages) : request.messages
        // System messages met between an assistant's tool calls and the last of their results wait
        // here: templates pair calls with results by position, and Mistral's reject anything between.
        var deferred: [JSONValue] = []
        var inToolExchange = false
        for message in messages {
            switch message.role {
            case .system:
                let text = systemText(message)
                guard !text.isEmpty else { continue }
                let system: JSONValue = ["role": "system", "content": .string(text)]
                if inToolExchange { deferred.append(system) } else { wire.append(system) }
            case .user:
                let (results, user) = userMessages(message)
                wire += results
                if !results.isEmpty { inToolExchange = true }
                if let user {
                    wire += deferred
                    deferred = []
                    wire.append(user)
                    inToolExchange = false
                }
            case .assistant:
                wire += deferred
                deferred = []
                let (assistant, hasToolCalls) = assistantMessage(message)
                wire.append(assistant)
                inToolExchange = hasToolCalls
            }
        }
        return wire + deferred
    }

    /// The conversation with each mid-conversation system message merged into a user turn: appended
    /// to the user turn right before it, else put first in the next user turn, else (nothing but
    /// assistant turns follow) sent as a user turn of its own at its place. Never moved to the head.
    static func foldingSystemMessages(_ messages: [Message]) -> [Message] {
        var result: [Message] = []
        var waiting: [ContentBlock] = []
        for message in messages {
            switch message.role {
            case .system:
                let text = systemText(message)
                guard !text.isEmpty else { continue }
                if waiting.isEmpty, result.last?.role == .user {
                    result[result.count - 1].content.append(.text(TextContent(text)))
                } else {
                    waiting.append(.text(TextContent(text)))
                }
            case .user:
                result.append(Message(role: .user, content: waiting + message.content))
                waiting = []
            case .assistant:
                result.append(message)
            }
        }
        if !waiting.isEmpty { result.append(Message(role: .user, content: waiting)) }
        return result
    }

    private static func systemText(_ message: Message) -> String {
        message.content.compactMap { if case .text(let text) = $0, !text.text.isEmpty { text.text } else { nil } }
            .joined(separator: "\n")
    }

    /// A user turn as `tool` messages (one per result, in order) and then a `user` message with the
    /// turn's text and images, when it has any. Documents become notes saying they were left out;
    /// other Anthropic-only blocks are dropped.
    private static func userMessages(_ message: Message) -> (results: [JSONValue], user: JSONValue?) {
        var results: [JSONValue] = []
        // Tool messages carry text only, so images a tool returned travel in the user message after them.
        var movedImages: [ContentBlock] = []
        var rest: [ContentBlock] = []
        for block in message.content {
            switch block {
            case .toolResult(let result):
                var content =
                    ([result.text]
                    + result.content.compactMap { block in
                        if case .anthropicOnly(let block) = block { block.textForOtherBackends } else { nil }
                    }).filter { !$0.isEmpty }.joined(separator: "\n")
                let images = result.content.filter { if case .image = $0 { true } else { false } }
                if !images.isEmpty {
                    movedImages += images
                    let note =
                        images.count == 1 ? "(the image is in the next message)" : "(the \(images.count) images are in the next message)"
                    content = content.isEmpty ? note : content + "\n" + note
                }
                // The model must see that the call failed; `tool` messages have no error flag.
                if result.isError { content = content.isEmpty ? "Error" : "Error: " + content }
                results.append(["role": "tool", "tool_call_id": .string(result.toolUseID), "content": .string(content)])
            case .text(let text):
                if !text.text.isEmpty { rest.append(block) }
            case .image:
                rest.append(block)
            case .anthropicOnly(let block):
                if let note = block.textForOtherBackends { rest.append(.text(TextContent(note))) }
            case .toolUse, .thinking, .redactedThinking, .responsesOnly:
                continue  // never part of a user turn, or only a Responses upstream reads it
            }
        }
        let parts = movedImages + rest
        if parts.isEmpty {
            // Keep an empty user turn as one: dropping it would join the assistant turns around it.
            return (results, results.isEmpty ? ["role": "user", "content": ""] : nil)
        }
        return (results, ["role": "user", "content": userContent(parts)])
    }

    /// Text alone as a plain string (what every server and template takes), with images as parts.
    private static func userContent(_ blocks: [ContentBlock]) -> JSONValue {
        var texts: [String] = []
        var parts: [JSONValue] = []
        for block in blocks {
            switch block {
            case .text(let text):
                texts.append(text.text)
                parts.append(["type": "text", "text": .string(text.text)])
            case .image(let image):
                parts.append(["type": "image_url", "image_url": ["url": .string(imageURL(image.source))]])
            default:
                continue
            }
        }
        return texts.count == parts.count ? .string(texts.joined(separator: "\n")) : .array(parts)
    }

    static func imageURL(_ source: ImageContent.Source) -> String {
        switch source {
        case .base64(let mediaType, let data): "data:\(mediaType);base64,\(data)"
        case .url(let url): url
        }
    }

    private static func assistantMessage(_ message: Message) -> (message: JSONValue, hasToolCalls: Bool) {
        var texts: [String] = []
        var thinking: [String] = []
        var toolCalls: [JSONValue] = []
        for block in message.content {
            switch block {
            case .text(let text): if !text.text.isEmpty { texts.append(text.text) }
            case .thinking(let block): if !block.text.isEmpty { thinking.append(block.text) }
            case .toolUse(let call): toolCalls.append(OpenAIResponseEncoder.toolCall(call))
            // Only Anthropic, or only a Responses upstream (a built-in tool's call), reads them.
            case .redactedThinking, .image, .toolResult, .anthropicOnly, .responsesOnly: continue
            }
        }
        var object = JSONObject([("role", "assistant")])
        object["content"] = texts.isEmpty && !toolCalls.isEmpty ? .null : .string(texts.joined(separator: "\n"))
        if !thinking.isEmpty { object["reasoning_content"] = .string(thinking.joined(separator: "\n")) }
        if !toolCalls.isEmpty { object["tool_calls"] = .array(toolCalls) }
        return (.object(object), !toolCalls.isEmpty)
    }

    // MARK: - Tools

    private static func encodeTool(_ tool: ToolDefinition) -> JSONValue {
        var function = JSONObject([("name", .string(tool.name))])
        if let description = tool.description { function["description"] = .string(description) }
        function["parameters"] = tool.inputSchema
        return ["type": "function", "function": .object(function)]
    }

    private static func encodeToolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .any: "required"
        case .none: "none"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
