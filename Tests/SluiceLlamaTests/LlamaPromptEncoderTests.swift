import SluiceCore
@testable import SluiceLlama
import Testing

/// What the chat shim is asked to render: tool choice and the thinking settings as templates read them.
struct LlamaPromptEncoderTests {
    private func encoded(_ change: (inout ChatRequest) -> Void) -> JSONValue {
        var request = ChatRequest(model: "m", messages: [.user("hi")])
        change(&request)
        return LlamaPromptEncoder.encode(request)
    }

    @Test(arguments: [
        (ThinkingConfig?.none, String?.none, true, String?.none),
        (.disabled, nil, false, nil),
        (.adaptive, nil, true, "medium"),
        (.enabled(budgetTokens: 2048), nil, true, "low"),
        (.enabled(budgetTokens: 32000), nil, true, "high"),
        (.adaptive, "max", true, "high"),
        (nil, "minimal", true, "low"),
        (nil, "none", false, nil),
    ])
    func thinkingSettingsBecomeTheTemplatesSwitchAndEffort(
        thinking: ThinkingConfig?, effort: String?, enabled: Bool, level: String?
    ) {
        let input = encoded {
            $0.thinking = thinking
            $0.effort = effort
        }
        #expect(input["enable_thinking"] == .bool(enabled))
        #expect(input["chat_template_kwargs"]?["reasoning_effort"]?.stringValue == level)
    }

    @Test(arguments: [
        (ToolChoice?.none, "auto", String?.none),
        (.any, "required", nil),
        (.tool(name: "get_weather"), "required", "get_weather"),
        (ToolChoice.none, "none", nil),
    ])
    func toolChoiceBecomesRequiredWithTheForcedTool(choice: ToolChoice?, mode: String, forced: String?) {
        let input = encoded {
            $0.tools = [ToolDefinition(name: "get_weather", inputSchema: ["type": "object"])]
            $0.toolChoice = choice
        }
        #expect(input["tool_choice"]?.stringValue == mode)
        #expect(input["forced_tool"]?.stringValue == forced)
        #expect(input["tools"]?.arrayValue?.count == 1)
    }
}
