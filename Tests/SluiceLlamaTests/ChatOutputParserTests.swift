import Foundation
import Logging
import SluiceCore
@testable import SluiceLlama
import Testing

/// The template's own parser reading generated text as it streams, fed a character at a time.
struct ChatOutputParserTests {
    private func parser(_ template: TinyModels.Template, _ request: ChatRequest) throws -> ChatOutputParser {
        let engine = try LlamaEngine(
            configuration: .init(modelPath: try TinyModels.path(template), contextLength: 512, parallel: 1, threads: 1),
            logger: Logger(label: "test"))
        return try ChatOutputParser(parameters: try engine.prepare(request).rendered.parserParameters)
    }

    /// Everything the parser reports for `output` fed one character at a time, then the end.
    private func feed(_ parser: ChatOutputParser, _ output: String) throws -> [OutputDelta] {
        var deltas: [OutputDelta] = []
        for character in output { deltas += try parser.feed(String(character), isFinal: false) }
        deltas += try parser.feed("", isFinal: true)
        return deltas
    }

    @Test func aToolCallStreamsItsNameOnceAndItsArgumentsInPieces() throws {
        let request = ChatRequest(model: "tiny", messages: [.user("Weather?")], tools: [TestTools.weather])
        let deltas = try feed(
            try parser(.chat, request),
            "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>")
        let text = deltas.compactMap { if case .content(let text) = $0 { text } else { nil } }.joined()
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "Let me check.")
        #expect(deltas.filter { if case .toolStart = $0 { true } else { false } } == [.toolStart(index: 0, name: "get_weather")])
        let fragments = deltas.compactMap { if case .toolArguments(0, let json) = $0 { json } else { nil } }
        #expect(fragments.count > 1)
        #expect(try JSONParser.parse(fragments.joined()) == ["city": "Paris", "days": 2])
        // The name comes before any of its arguments.
        let start = try #require(deltas.firstIndex(of: .toolStart(index: 0, name: "get_weather")))
        #expect(deltas.firstIndex { if case .toolArguments = $0 { true } else { false } }! > start)
    }

    @Test func reasoningBeforeTheEndTagIsReasoningAndTheRestIsText() throws {
        let deltas = try feed(try parser(.think, tinyRequest("hi")), "weighing options\n</think>\n\nThe answer.")
        let reasoning = deltas.compactMap { if case .reasoning(let text) = $0 { text } else { nil } }.joined()
        let text = deltas.compactMap { if case .content(let text) = $0 { text } else { nil } }.joined()
        #expect(reasoning.trimmingCharacters(in: .whitespacesAndNewlines) == "weighing options")
        #expect(text == "The answer.")
        #expect(!text.contains("</think>") && !reasoning.contains("</think>"))
    }

    @Test func textThatIsNotAToolCallStaysText() throws {
        let request = ChatRequest(model: "tiny", messages: [.user("Weather?")], tools: [TestTools.weather])
        let deltas = try feed(try parser(.chat, request), "a < b and <tool is not a call")
        #expect(deltas.allSatisfy { if case .content = $0 { true } else { false } })
        #expect(deltas.compactMap { if case .content(let text) = $0 { text } else { nil } }.joined() == "a < b and <tool is not a call")
    }
}
