import SluiceCore
@testable import SluiceLlama
import Testing

/// Response formats on the embedded engine: the grammar reaches libllama's sampler, holds the tiny
/// random-weight model to the schema and ends generation once the JSON is complete.
@Suite(.serialized)
struct StructuredOutputTests {
    /// Bounded everywhere, so the grammar itself must end the answer.
    static let forecast: JSONValue = [
        "type": "object",
        "properties": [
            "sky": ["enum": ["sunny", "cloudy", "rain"]],
            "windy": ["type": "boolean"],
            "level": ["type": "integer", "minimum": 0, "maximum": 12],
            "note": ["type": "string", "maxLength": 8],
            "tags": ["type": "array", "items": ["$ref": "#/$defs/tag"], "maxItems": 2],
        ],
        "required": ["sky", "windy", "level", "note", "tags"],
        "additionalProperties": false,
        "$defs": ["tag": ["enum": ["a", "b"]]],
    ]

    private func forecastRequest(temperature: Double = 0, seed: Int? = nil) -> ChatRequest {
        var request = tinyRequest("Forecast?", maxTokens: 1000, temperature: temperature, seed: seed)
        request.responseFormat = .jsonSchema(name: "forecast", schema: Self.forecast, strict: true)
        return request
    }

    @Test(arguments: [(0.0, nil), (1.0, 1), (1.0, 2), (1.5, 3)] as [(Double, Int?)])
    func aStrictSchemaYieldsMatchingJSONThatEndsOnItsOwn(temperature: Double, seed: Int?) async throws {
        // A backend of its own: on the shared one, other suites' prompts can fill the cache and cut
        // this answer short with `contextFull`, which is not what this test is about.
        let answer = try await complete(
            try TinyModels.freshBackend(context: 2048, parallel: 1), forecastRequest(temperature: temperature, seed: seed))
        try #require(answer.stopReason == .endTurn, "generation ran on after the JSON was complete: \(answer.stopReason)")
        let value = try JSONParser.parse(text(of: answer))
        #expect(value.objectValue?.keys == ["sky", "windy", "level", "note", "tags"])
        #expect(["sunny", "cloudy", "rain"].contains(value["sky"]?.stringValue ?? ""))
        #expect(value["windy"]?.boolValue != nil)
        #expect((0...12).contains(value["level"]?.intValue ?? -1))
        #expect((value["note"]?.stringValue?.count ?? 9) <= 8)
        let tags = try #require(value["tags"]?.arrayValue)
        #expect(tags.count <= 2 && tags.allSatisfy { $0 == "a" || $0 == "b" })
        #expect(answer.usage.outputTokens < 1000)
    }

    @Test(arguments: [TinyModels.Template.think, .qwen3, .deepseekR1, .llama3])
    func thinkingTemplatesAnswerWithTheJSONAsText(template: TinyModels.Template) async throws {
        // Thinking is turned off, so the JSON is the answer, not reasoning the parser sets aside.
        let answer = try await complete(try TinyModels.backend(template, context: 8192, parallel: 1), forecastRequest())
        #expect(try JSONParser.parse(text(of: answer)).objectValue?.keys == ["sky", "windy", "level", "note", "tags"])
        #expect(answer.stopReason == .endTurn)
    }

    @Test func withoutAFormatTheSameRequestRunsToMaxTokens() async throws {
        // The control: the tiny model on its own does not stop, so the grammar is what stops it.
        var request = forecastRequest()
        request.responseFormat = nil
        request.maxTokens = 200
        #expect(try await complete(try TinyModels.backend(), request).stopReason == .maxTokens)
    }

    @Test func anUnsupportedKeywordIsRefusedBeforeGeneration() async throws {
        var request = forecastRequest()
        request.responseFormat = .jsonSchema(name: "t", schema: ["type": "string", "format": "date"], strict: true)
        let error = try await #require(throws: SluiceError.self) { try await TinyModels.backend().start(request) }
        #expect(error.httpStatus == 400)
        #expect(error.message.contains("'format'"))
    }

    @Test func aGrammarLibllamaRejectsIsA400NotACrash() async throws {
        // Converts fine, but `root ::= root` is left-recursive: llama.cpp refuses it.
        var request = forecastRequest()
        request.responseFormat = .jsonSchema(name: "loop", schema: ["$ref": "#"], strict: true)
        let error = try await #require(throws: SluiceError.self) { try await TinyModels.backend().start(request) }
        #expect(error.httpStatus == 400)
        #expect(error.message.contains("grammar"), "\(error.message)")
    }

    @Test func libllamaAcceptsTheGrammarsTheConverterWrites() throws {
        let model = try LlamaModel(path: TinyModels.path(.chat))
        let schemas: [JSONValue] = [
            Self.forecast, ["type": ["string", "null"], "minLength": 2], ["type": "number"],
            ["type": "integer", "minimum": -40, "maximum": 1234], ["const": ["a": [1, nil]]],
            ["type": "object", "properties": ["a": ["type": "null"], "b": ["type": "boolean"]], "additionalProperties": true],
            ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "integer"], "minItems": 1, "maxItems": 4]],
            [
                "$defs": ["tree": ["type": "object", "properties": ["kids": ["type": "array", "items": ["$ref": "#/$defs/tree"]]]]],
                "oneOf": [["$ref": "#/$defs/tree"], ["enum": ["leaf", 3, true]]],
            ],
        ]
        for schema in schemas {
            let gbnf = try JSONSchemaGrammar.grammar(for: schema, strict: true)
            do {
                _ = try TokenSampler(model: model, parameters: SamplingParameters(), prompt: RenderedPrompt([:]), grammar: gbnf)
            } catch {
                Issue.record("libllama refused \(gbnf): \(error)")
            }
        }
        _ = try TokenSampler(
            model: model, parameters: SamplingParameters(), prompt: RenderedPrompt([:]), grammar: JSONSchemaGrammar.anyObject)
        #expect(throws: LlamaError.self) {
            try TokenSampler(model: model, parameters: SamplingParameters(), prompt: RenderedPrompt([:]), grammar: "root ::= nothing")
        }
    }

    @Test func toolsTheModelMayCallAreRefusedWithAFormatButToolChoiceNoneKeepsIt() async throws {
        var request = forecastRequest()
        request.tools = [TestTools.weather]
        let error = try await #require(throws: SluiceError.self) { try await TinyModels.backend().start(request) }
        #expect(error.httpStatus == 400)
        #expect(error.message.contains("tool_choice"))
        request.toolChoice = ToolChoice.none
        let answer = try await complete(try TinyModels.backend(), request)
        #expect(try JSONParser.parse(text(of: answer)).objectValue?.keys == ["sky", "windy", "level", "note", "tags"])
    }

    @Test func theSchemaIsInThePromptAndCountedThere() async throws {
        let backend = try TinyModels.backend()
        var plain = forecastRequest()
        plain.responseFormat = nil
        let withFormat = try await backend.countTokens(forecastRequest())
        let without = try await backend.countTokens(plain)
        #expect(withFormat > without + 50)
        let constrained = try #require(try StructuredOutput.make(for: forecastRequest())).constrain(plain)
        #expect(constrained.system.last?.text.contains(#""maxItems":2"#) == true)
        #expect(constrained.thinking == .disabled)
    }
}
