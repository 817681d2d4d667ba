internal import SluiceCore
internal import SluiceOpenAI

/// Encodes a canonical request as the chat shim's input.
///
/// llama.cpp's `common` library reads conversations in the OpenAI Chat Completions shape (as
/// llama-server does), so the messages and tools come from ``OpenAIRequestEncoder``: the billing
/// line removed, tool results first in their turn, mid-conversation system messages in place,
/// key order kept — the same bytes turn after turn, which is what prefix reuse needs.
enum LlamaPromptEncoder {
    static func encode(_ request: ChatRequest, foldSystemMessages: Bool = false) -> JSONValue {
        let options = OpenAIUpstreamOptions(systemMessages: foldSystemMessages ? .fold : .inline, keepBillingHeader: false)
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: options)
        var object = JSONObject()
        object["messages"] = body["messages"] ?? []
        if let tools = body["tools"] { object["tools"] = tools }
        switch request.toolChoice {
        case .any?: object["tool_choice"] = "required"
        case .none?: object["tool_choice"] = "none"
        case .tool(let name)?:
            object["tool_choice"] = "required"
            object["forced_tool"] = .string(name)
        case .auto?, nil: object["tool_choice"] = "auto"
        }
        object["parallel_tool_calls"] = .bool(request.parallelToolCalls ?? true)
        let effort = OpenAIRequestEncoder.reasoningEffort(request)
        object["enable_thinking"] = .bool(request.thinking != .disabled && effort != "none")
        // Templates with effort levels (gpt-oss's "Reasoning: low") read `reasoning_effort`, as
        // llama-server passes it; the others ignore it.
        if let effort, let level = templateEffort(effort) {
            object["chat_template_kwargs"] = ["reasoning_effort": .string(level)]
        }
        object["reasoning_format"] = "deepseek"
        return .object(object)
    }

    /// The three levels templates know, from OpenAI's and Anthropic's wider ranges.
    private static func templateEffort(_ effort: String) -> String? {
        switch effort {
        case "none": nil
        case "minimal", "low": "low"
        case "xhigh", "max", "high": "high"
        default: "medium"
        }
    }

    /// Whether the request holds images, which a text model cannot read.
    static func hasImages(_ request: ChatRequest) -> Bool {
        request.messages.contains { message in
            message.content.contains { block in
                switch block {
                case .image: true
                case .toolResult(let result): result.content.contains { if case .image = $0 { true } else { false } }
                default: false
                }
            }
        }
    }

    /// Every text the client wrote: it must reach the model as text, never as control tokens.
    static func clientTexts(_ request: ChatRequest) -> [String] {
        var texts = request.system.map(\.text)
        for message in request.messages {
            for block in message.content {
                switch block {
                case .text(let text): texts.append(text.text)
                case .thinking(let thinking): texts.append(thinking.text)
                case .toolResult(let result):
                    for case .text(let text) in result.content { texts.append(text.text) }
                    for case .anthropicOnly(let block) in result.content { texts += [block.textForOtherBackends].compactMap(\.self) }
                case .toolUse(let call): texts.append(call.input.serializedString())
                case .anthropicOnly(let block): texts += [block.textForOtherBackends].compactMap(\.self)
                case .image, .redactedThinking, .responsesOnly: continue
                }
            }
        }
        return texts.filter { !$0.isEmpty }
    }
}
