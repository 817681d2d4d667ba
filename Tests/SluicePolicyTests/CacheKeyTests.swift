import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct CacheKeyTests {
    private let base = ChatRequest(
        model: "claude-sonnet-4-5",
        system: [TextContent("x-anthropic-billing-header: cc_version=2.1.3; cch=aaaa;"), TextContent("You are terse.")],
        messages: [.user("What is the capital of France?")],
        tools: [ToolDefinition(name: "Read", description: "Reads a file", inputSchema: ["type": "object"])],
        maxTokens: 1024, temperature: 0.2)

    private func key(_ request: ChatRequest, scope: String = "key:key_a") -> String {
        CacheKey.make(for: request, scope: scope)
    }

    @Test func keyIsAHexSHA256() {
        let key = key(base)
        #expect(key.count == 64)
        #expect(key.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(key == self.key(base))
    }

    @Test func whatCannotChangeTheAnswerIsLeftOut() {
        var other = base
        other.stream = true
        other.user = "someone-else"
        other.system[0] = TextContent("x-anthropic-billing-header: cc_version=2.1.3; cch=bbbb;")
        other.system[1].cacheControl = ["type": "ephemeral"]
        other.tools[0].cacheControl = ["type": "ephemeral"]
        other.effort = "high"
        other.anthropicExtraFields = ["output_config": ["effort": "high"]]
        var same = base
        same.effort = "high"
        #expect(key(other) == key(same))
    }

    static let changes: [(String, @Sendable (inout ChatRequest) -> Void)] = [
        ("model", { $0.model = "claude-opus-4-1" }),
        ("system", { $0.system[1].text = "You are verbose." }),
        ("message", { $0.messages[0] = .user("What is the capital of Spain?") }),
        ("role", { $0.messages[0].role = .system }),
        ("a turn", { $0.messages.append(.assistant("Paris.")) }),
        ("tool schema", { $0.tools[0].inputSchema = ["type": "object", "required": ["path"]] }),
        ("tool choice", { $0.toolChoice = .tool(name: "Read") }),
        ("parallel tool calls", { $0.parallelToolCalls = false }),
        ("max tokens", { $0.maxTokens = 1025 }),
        ("temperature", { $0.temperature = 0.3 }),
        ("top p", { $0.topP = 0.9 }),
        ("top k", { $0.topK = 40 }),
        ("min p", { $0.minP = 0.1 }),
        ("repetition penalty", { $0.repetitionPenalty = 1.1 }),
        ("stop sequences", { $0.stopSequences = ["\n\n"] }),
        ("thinking", { $0.thinking = .enabled(budgetTokens: 2048) }),
        ("effort", { $0.effort = "low" }),
        ("seed", { $0.seed = 7 }),
        ("frequency penalty", { $0.frequencyPenalty = 0.5 }),
        ("presence penalty", { $0.presencePenalty = 0.5 }),
        ("beta", { $0.anthropicBeta = ["interleaved-thinking-2025-05-14"] }),
        ("forwarded field", { $0.anthropicExtraFields = ["context_management": ["edits": []]] }),
        ("server tool", { $0.anthropicServerTools = [["type": "web_search_20250305", "name": "web_search"]] }),
        ("forwarded tool field", { $0.tools[0].anthropicExtraFields = ["defer_loading": true] }),
        ("forwarded message field", { $0.messages[0].anthropicExtraFields = ["output_config": ["effort": "low"]] }),
        (
            "tool result",
            {
                $0.messages.append(
                    Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "toolu_1", content: [.text(TextContent("ok"))]))]))
            }
        ),
        (
            "image",
            {
                $0.messages[0].content.append(.image(ImageContent(source: .url("https://example.com/a.png"))))
            }
        ),
    ]

    @Test(arguments: changes)
    func everythingThatCanChangeTheAnswerIsIn(_ name: String, change: @Sendable (inout ChatRequest) -> Void) {
        var changed = base
        change(&changed)
        #expect(key(changed) != key(base), "\(name)")
    }

    @Test func scopeIsPartOfTheKey() {
        #expect(key(base, scope: "key:key_a") != key(base, scope: "key:key_b"))
        #expect(key(base, scope: "shared") != key(base, scope: "key:key_a"))
    }

    @Test func storedFormRoundTripsEveryAnswerBlock() throws {
        for response in [CacheFixtures.text(), CacheFixtures.thinking, CacheFixtures.toolUse, CacheFixtures.stopSequence] {
            let body = CachedResponseCoding.encode(response)
            #expect(CachedResponseCoding.decode(body, id: response.id) == response)
        }
        let redacted = ChatResponse(
            id: "msg_1", model: "m", content: [.redactedThinking(data: "opaque=="), .text(TextContent(""))], stopReason: nil,
            usage: Usage())
        #expect(CachedResponseCoding.decode(CachedResponseCoding.encode(redacted), id: "msg_1") == redacted)
        let searched = ChatResponse(
            id: "msg_2", model: "m",
            content: [
                .anthropicOnly(
                    AnthropicOnlyContent(anthropicBlock: ["type": "web_search_tool_result", "tool_use_id": "s", "content": []])),
                .text(TextContent("cited", citations: [["type": "web_search_result_location", "url": "https://a"]])),
            ],
            stopReason: .endTurn, usage: Usage())
        #expect(CachedResponseCoding.decode(CachedResponseCoding.encode(searched), id: "msg_2") == searched)
        let searchedByOpenAI = ChatResponse(
            id: "msg_3", model: "m",
            content: [
                .responsesOnly(ResponsesOnlyContent(item: ["type": "web_search_call", "id": "ws_1"])), .text(TextContent("Sunny.")),
            ],
            stopReason: .endTurn, usage: Usage())
        #expect(CachedResponseCoding.decode(CachedResponseCoding.encode(searchedByOpenAI), id: "msg_3") == searchedByOpenAI)
        #expect(CachedResponseCoding.decode(#"{"v":2,"model":"m","content":[],"usage":{}}"#, id: "x") == nil)
        #expect(CachedResponseCoding.decode("not json", id: "x") == nil)
    }

    @Test func leastRecentlyUsedOrderAndBounds() {
        var entries = LeastRecentlyUsed<Int>()
        entries.insert(1, forKey: "a", cost: 10)
        entries.insert(2, forKey: "b", cost: 10)
        entries.insert(3, forKey: "c", cost: 10)
        #expect(entries.value(forKey: "a") == 1)
        #expect(entries.keysByRecency == ["a", "c", "b"])
        #expect(entries.evict(maxCount: 2, maxCost: .max) == ["b"])
        entries.insert(4, forKey: "c", cost: 25)
        #expect(entries.totalCost == 35)
        #expect(entries.evict(maxCount: .max, maxCost: 30) == ["a"])
        #expect(entries.keysByRecency == ["c"])
        entries.insert(5, forKey: "d", cost: 1)
        #expect(entries.count == 2)
        #expect(entries.value(forKey: "b") == nil)
    }
}
