import SluiceCore
import Testing

@Suite struct TokenEstimateTests {
    private func estimate(system: [TextContent] = [], _ messages: [Message], tools: [ToolDefinition] = []) -> Int {
        TokenEstimate.inputTokens(of: ChatRequest(model: "m", system: system, messages: messages, tools: tools))
    }

    @Test func emptyRequestCostsTheFixedOverhead() {
        #expect(estimate([]) == 3)
    }

    @Test func textCostsAThirdOfItsBytesRoundedUpPlusPerMessageOverhead() {
        // 3 for the request, 4 for the message, ceil(5 / 3) for "hello".
        #expect(estimate([.user("hello")]) == 9)
        #expect(estimate([.user("hello"), .assistant("")]) == 13)
        #expect(estimate(system: [TextContent("abcdef")], [.user("abc")]) == 3 + 4 + 3)
    }

    @Test func growsWithText() {
        let short = estimate([.user(String(repeating: "word ", count: 10))])
        let long = estimate([.user(String(repeating: "word ", count: 100))])
        #expect(long > short)
        #expect(long - short == 150)
    }

    @Test func countsMultibyteTextByBytes() {
        // "é" is two bytes, "😀" four.
        #expect(estimate([.user("é😀")]) == 3 + 4 + 2)
    }

    @Test func countsTools() {
        let schema: JSONValue = ["type": "object", "properties": ["path": ["type": "string"]]]
        let tool = ToolDefinition(name: "Read", description: "Reads a file.", inputSchema: schema)
        let without = estimate([.user("hi")])
        let with = estimate([.user("hi")], tools: [tool])
        let toolBytes = 4 + 13 + schema.serialized().count
        #expect(schema.serialized().count == 57)
        #expect(with == 3 + 4 + 8 + (2 + toolBytes + 2) / 3)
        #expect(with > without + 8)
    }

    @Test func countsToolCallsResultsAndThinking() {
        let call = ToolUse(id: "t", name: "Bash", input: ["command": "ls"])
        let messages: [Message] = [
            Message(role: .assistant, content: [.thinking(Thinking("plan")), .toolUse(call)]),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "t", content: [.text(TextContent("a.txt"))]))]),
        ]
        // thinking 4 + call 4 + 16 (`{"command":"ls"}`) + result 5 = 29 bytes.
        #expect(estimate(messages) == 3 + 8 + (29 + 2) / 3)
    }

    @Test func imagesCountAsAMidSizedImage() {
        let image = ImageContent(source: .base64(mediaType: "image/png", data: "AAAA"))
        #expect(estimate([Message(role: .user, content: [.image(image)])]) == 3 + 4 + 1600)
    }

    @Test func neverBelowAQuarterOfTheBytesForASCII() {
        for length in [0, 1, 2, 3, 4, 7, 100, 4_001, 100_000] {
            let text = String(repeating: "x", count: length)
            #expect(estimate([.user(text)]) >= length / 4, "length \(length)")
            #expect(estimate([.user(text)]) >= (length + 2) / 3, "length \(length)")
        }
    }
}
