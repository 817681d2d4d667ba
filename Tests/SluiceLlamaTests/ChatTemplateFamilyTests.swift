import Foundation
import Logging
import SluiceCore
@testable import SluiceLlama
import Testing

/// The real chat templates of the common model families (from the pinned llama.cpp's
/// `models/templates`), each on a tiny model carrying the family's special tokens: what the
/// template renders, how its output format reads back, and what the engine generates with it.
@Suite(.serialized)
struct ChatTemplateFamilyTests {
    /// A family and what its template and output format look like.
    struct Family: Sendable, CustomStringConvertible {
        let template: TinyModels.Template
        /// Control tokens a conversation with a tool call and its result renders.
        let markers: [String]
        /// How the prompt shows the type of get_weather's `days`; nil for templates that do not
        /// list the tools (DeepSeek's official ones).
        let daysSchema: String?
        /// Reasoning "weighing" (when the family reasons), the text "Let me check." and a call of
        /// get_weather(city: Paris, days: 2), as the family writes them.
        let toolCallOutput: String
        /// Reasoning "weighing options", then the answer "The answer.", for families that reason.
        let reasoningOutput: String?
        /// Tokens that end an answer, and markers that must not.
        let endsOfGeneration: [String]
        let notEndsOfGeneration: [String]
        /// How the prompt shows the arguments of get_weather(city: Paris, days: 2).
        var renderedArguments = #"{"city": "Paris", "days": 2}"#

        var description: String { template.rawValue }
    }

    private static let deepSeekMarkers = [
        "<｜User｜>", "<｜Assistant｜>", "<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>", "<｜tool▁sep｜>", "<｜tool▁call▁end｜>",
        "<｜tool▁calls▁end｜>", "<｜end▁of▁sentence｜>", "<｜tool▁output▁begin｜>", "<｜tool▁output▁end｜>",
    ]

    private static let tekkenMarkers = [
        "[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[INST]", "[/INST]", "[TOOL_CALLS]",
        "[ARGS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]", "</s>",
    ]
    private static let glmMarkers = ["[gMASK]", "<sop>", "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>"]

    static let families: [Family] = [
        Family(
            template: .llama3,
            markers: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
            daysSchema: #""type": "integer""#,
            toolCallOutput: #"Let me check. {"name": "get_weather", "parameters": {"city": "Paris", "days": 2}}"#,
            reasoningOutput: nil,
            endsOfGeneration: ["<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"],
            notEndsOfGeneration: ["<|start_header_id|>", "<|end_header_id|>", "<|python_tag|>"]),
        Family(
            template: .mistral,
            markers: [
                "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[INST]", "[/INST]", "[TOOL_CALLS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]", "</s>",
            ],
            daysSchema: #""type": "integer""#,
            toolCallOutput:
                #"Let me check.[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}, "id": "a1b2c3d4e"}]"#,
            reasoningOutput: nil,
            endsOfGeneration: ["</s>"],
            notEndsOfGeneration: ["[INST]", "[/INST]", "[TOOL_CALLS]"]),
        Family(
            template: .gptOSS,
            markers: ["<|start|>", "<|message|>", "<|end|>", "<|channel|>", "<|call|>"],
            daysSchema: "days: number",
            toolCallOutput:
                "<|channel|>analysis<|message|>weighing<|end|><|start|>assistant<|channel|>commentary<|message|>Let me check.<|end|>"
                + #"<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris", "days": 2}"#,
            reasoningOutput:
                "<|channel|>analysis<|message|>weighing options<|end|><|start|>assistant<|channel|>final<|message|>The answer.",
            // `<|end|>` ends a message, not the answer: the final channel may follow the analysis one.
            endsOfGeneration: ["<|return|>", "<|call|>"],
            notEndsOfGeneration: ["<|end|>", "<|start|>", "<|channel|>", "<|message|>"]),
        Family(
            template: .deepseekR1,
            markers: deepSeekMarkers,
            daysSchema: nil,
            toolCallOutput: "weighing\n</think>\n\nLet me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\", \"days\": 2}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            reasoningOutput: "weighing options\n</think>\n\nThe answer.",
            endsOfGeneration: ["<｜end▁of▁sentence｜>"],
            notEndsOfGeneration: ["<｜User｜>", "<｜Assistant｜>", "<｜tool▁calls▁end｜>"]),
        Family(
            template: .deepseekV31,
            markers: deepSeekMarkers,
            daysSchema: nil,
            toolCallOutput: "weighing</think>Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>"
                + "{\"city\": \"Paris\", \"days\": 2}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            reasoningOutput: "weighing options</think>The answer.",
            endsOfGeneration: ["<｜end▁of▁sentence｜>"],
            notEndsOfGeneration: ["<｜User｜>", "<｜Assistant｜>", "<｜tool▁calls▁end｜>"]),
        Family(
            template: .qwen3,
            markers: ["<|im_start|>", "<|im_end|>"],
            daysSchema: #""type": "integer""#,
            toolCallOutput: "<think>\nweighing\n</think>\n\nLet me check.\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>",
            reasoningOutput: "<think>\nweighing options\n</think>\n\nThe answer.",
            endsOfGeneration: ["<|im_end|>", "<|endoftext|>"],
            notEndsOfGeneration: ["<|im_start|>"]),
        Family(
            template: .qwen3Coder,
            markers: ["<|im_start|>", "<|im_end|>"],
            daysSchema: "<type>integer</type>",
            toolCallOutput: "Let me check.\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n"
                + "<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>",
            reasoningOutput: nil,
            endsOfGeneration: ["<|im_end|>", "<|endoftext|>"],
            notEndsOfGeneration: ["<|im_start|>"],
            renderedArguments: "<parameter=city>\nParis\n</parameter>\n<parameter=days>\n2\n</parameter>"),
        Family(
            template: .devstral,
            markers: tekkenMarkers,
            daysSchema: #""type": "integer""#,
            toolCallOutput: #"Let me check.[TOOL_CALLS]get_weather[ARGS]{"city": "Paris", "days": 2}"#,
            reasoningOutput: nil,
            endsOfGeneration: ["</s>"],
            notEndsOfGeneration: ["[INST]", "[/INST]", "[TOOL_CALLS]", "[ARGS]"]),
        Family(
            template: .glm46,
            markers: glmMarkers,
            daysSchema: #""type": "integer""#,
            // The prompt ends with `<|assistant|>`; the model starts its line.
            toolCallOutput: "\n<think>weighing</think>\nLet me check.\n<tool_call>get_weather\n<arg_key>city</arg_key>\n"
                + "<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>",
            reasoningOutput: "\n<think>weighing options</think>\nThe answer.",
            // `<|user|>` ends an answer, `<|observation|>` a call (the converter's EOT and EOM).
            endsOfGeneration: ["<|endoftext|>", "<|user|>", "<|observation|>"],
            notEndsOfGeneration: ["<|assistant|>", "<|system|>", "[gMASK]", "<sop>"],
            renderedArguments: "<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>"),
        Family(
            template: .glm47,
            markers: glmMarkers,
            daysSchema: #""type": "integer""#,
            // The prompt opens the thinking block.
            toolCallOutput: "weighing</think>Let me check.<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value>"
                + "<arg_key>days</arg_key><arg_value>2</arg_value></tool_call>",
            reasoningOutput: "weighing options</think>The answer.",
            endsOfGeneration: ["<|endoftext|>", "<|user|>", "<|observation|>"],
            notEndsOfGeneration: ["<|assistant|>", "<|system|>", "[gMASK]", "<sop>"],
            renderedArguments: "<arg_key>city</arg_key><arg_value>Paris</arg_value><arg_key>days</arg_key><arg_value>2</arg_value>"),
        Family(
            template: .mistralSmall32,
            markers: tekkenMarkers + ["[CALL_ID]", "[TOOL_CONTENT]"],
            daysSchema: #""type": "integer""#,
            toolCallOutput: #"Let me check.[TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{"city": "Paris", "days": 2}"#,
            reasoningOutput: nil,
            endsOfGeneration: ["</s>"],
            notEndsOfGeneration: ["[INST]", "[/INST]", "[TOOL_CALLS]", "[CALL_ID]", "[ARGS]"]),
        Family(
            template: .ministral3,
            markers: tekkenMarkers,
            daysSchema: #""type": "integer""#,
            toolCallOutput: #"[THINK]weighing[/THINK]Let me check.[TOOL_CALLS]get_weather[ARGS]{"city": "Paris", "days": 2}"#,
            reasoningOutput: "[THINK]weighing options[/THINK]The answer.",
            endsOfGeneration: ["</s>"],
            notEndsOfGeneration: ["[INST]", "[/INST]", "[THINK]", "[/THINK]", "[TOOL_CALLS]", "[ARGS]"]),
    ]

    static let reasoningFamilies = families.filter { $0.reasoningOutput != nil }

    private func engine(_ template: TinyModels.Template) throws -> LlamaEngine {
        try LlamaEngine(
            configuration: .init(modelPath: try TinyModels.path(template), contextLength: 8192, parallel: 1, threads: 2),
            logger: Logger(label: "test"))
    }

    /// Everything the template's parser reports for `output` fed one character at a time, then the end.
    private func parse(_ output: String, _ family: Family, _ request: ChatRequest) throws -> [OutputDelta] {
        let parser = try ChatOutputParser(parameters: try engine(family.template).prepare(request).rendered.parserParameters)
        var deltas: [OutputDelta] = []
        for character in output { deltas += try parser.feed(String(character), isFinal: false) }
        deltas += try parser.feed("", isFinal: true)
        return deltas
    }

    private func joined(_ deltas: [OutputDelta], _ kind: (OutputDelta) -> String?) -> String {
        deltas.compactMap(kind).joined().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: families)
    func toolsCallsAndResultsAreRenderedWithTheFamilysMarkers(_ family: Family) throws {
        let engine = try engine(family.template)
        let request = ChatRequest(
            model: "tiny",
            messages: [
                .user("Weather in Paris?"),
                Message(
                    role: .assistant,
                    content: [
                        .toolUse(ToolUse(id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", input: ["city": "Paris", "days": 2]))
                    ]),
                Message(
                    role: .user,
                    content: [
                        .toolResult(ToolResult(toolUseID: "toolu_01A09q90qw90lq917835lq9", content: [.text(TextContent("sunny, 21 C"))]))
                    ]),
            ],
            tools: [TestTools.weather])
        let prepared = try engine.prepare(request)
        let prompt = prepared.rendered.prompt
        #expect(prompt.contains("Weather in Paris?"))
        #expect(prompt.contains("get_weather"))
        if let daysSchema = family.daysSchema {
            #expect(prompt.contains("The weather in a city"))
            #expect(prompt.contains(daysSchema))
        }
        #expect(prompt.contains(family.renderedArguments))
        #expect(prompt.contains("sunny, 21 C"))
        for marker in family.markers {
            #expect(prompt.contains(marker), "\(marker) is not in the prompt")
            // Each marker is one special token, and the prompt's tokens hold it.
            let tokens = engine.model.tokenize(marker, special: true)
            #expect(tokens.count == 1 && engine.model.specialTexts.contains(marker), "\(marker) is not one special token")
            if let token = tokens.first { #expect(prepared.tokens.contains(token), "\(marker) was tokenized as text") }
        }
        // A model that wants a BOS token gets exactly one, though its template writes one too.
        let bos = engine.model.tokenize("", special: true, addSpecial: true)
        #expect(prepared.tokens.starts(with: bos))
        if let bos = bos.first { #expect(prepared.tokens.filter { $0 == bos }.count == 1) }
    }

    @Test func mistralGetsNineCharacterToolCallIDsThatPairEachCallWithItsResult() throws {
        let clientID = "toolu_01A09q90qw90lq917835lq9"
        let id = ChatRequest.nineCharacterID(clientID)
        #expect(id.count == 9 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(ChatRequest.nineCharacterID("toolu_01A09q90qw90lq917835lq8") != id)
        #expect(ChatRequest.nineCharacterID("a1B2c3D4e") == "a1B2c3D4e")
        let request = ChatRequest(
            model: "tiny",
            messages: [
                .user("Weather in Paris?"),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: clientID, name: "get_weather", input: ["city": "Paris"]))]),
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: clientID, content: [.text(TextContent("sunny"))]))]),
            ],
            tools: [TestTools.weather])
        let prompt = try engine(.mistral).prepare(request).rendered.prompt
        #expect(prompt.contains(#""id": "\#(id)"}]"#))
        #expect(prompt.contains(#""call_id": "\#(id)"}[/TOOL_RESULTS]"#))
        // Templates that take any ID see the client's.
        #expect(try engine(.llama3).template.requiresNineCharacterToolCallIDs == false)
    }

    @Test(arguments: families)
    func aToolCallInTheFamilysFormatStreamsAsOneCall(_ family: Family) throws {
        let request = ChatRequest(model: "tiny", messages: [.user("Weather?")], tools: [TestTools.weather])
        let deltas = try parse(family.toolCallOutput, family, request)
        #expect(deltas.filter { if case .toolStart = $0 { true } else { false } } == [.toolStart(index: 0, name: "get_weather")])
        let fragments = deltas.compactMap { if case .toolArguments(0, let json) = $0 { json } else { nil } }
        #expect(fragments.count > 1)
        #expect(try JSONParser.parse(fragments.joined()) == ["city": "Paris", "days": 2])
        #expect(joined(deltas) { if case .content(let text) = $0 { text } else { nil } } == "Let me check.")
        #expect(
            joined(deltas) { if case .reasoning(let text) = $0 { text } else { nil } } == (family.reasoningOutput == nil ? "" : "weighing"))
    }

    @Test(arguments: reasoningFamilies)
    func reasoningArrivesAsReasoningWithoutItsMarkers(_ family: Family) throws {
        let deltas = try parse(try #require(family.reasoningOutput), family, tinyRequest("hi"))
        let reasoning = joined(deltas) { if case .reasoning(let text) = $0 { text } else { nil } }
        let text = joined(deltas) { if case .content(let text) = $0 { text } else { nil } }
        #expect(reasoning == "weighing options")
        #expect(text == "The answer.")
    }

    /// What the engine passes to the parser for generated tokens: control tokens only when the
    /// template's output format needs them as text.
    @Test(arguments: families)
    func generatedMarkersReachTheParserAsText(_ family: Family) throws {
        let engine = try engine(family.template)
        let request = ChatRequest(model: "tiny", messages: [.user("Weather?")], tools: [TestTools.weather])
        let preserved = engine.model.controlTokens(in: try engine.prepare(request).rendered.preservedTokens)
        let tokens = engine.model.tokenize(family.toolCallOutput, special: true)
        let text = tokens.flatMap { engine.model.piece($0, special: preserved.contains($0)) }
        #expect(String(decoding: text, as: UTF8.self) == family.toolCallOutput)
    }

    @Test(arguments: families)
    func theFamilysEndOfTurnTokensEndGeneration(_ family: Family) throws {
        let model = try engine(family.template).model
        for text in family.endsOfGeneration + family.notEndsOfGeneration {
            let tokens = model.tokenize(text, special: true)
            #expect(tokens.count == 1, "\(text) is not one token")
            guard let token = tokens.first else { continue }
            #expect(model.isEndOfGeneration(token) == family.endsOfGeneration.contains(text), "\(text)")
        }
    }

    @Test(arguments: families)
    func aForcedToolCallIsAValidCall(_ family: Family) async throws {
        let backend = try TinyModels.backend(family.template, context: 8192, parallel: 1)
        // Several prompts, since sampling is random: a grammar that lets the model wander off
        // (gpt-oss's analysis channel once did, in one answer of six) likely shows in one of them.
        for question in ["Weather?", "Weather in Paris?", "Rain tomorrow?", "Snow in Oslo?"] {
            // Thinking off: random weights would reason until max_tokens before calling.
            let request = ChatRequest(
                model: "tiny", messages: [.user(question)], tools: [TestTools.time, TestTools.weather],
                toolChoice: .tool(name: "get_weather"), parallelToolCalls: false, maxTokens: 400, thinking: .disabled,
                seed: 42)
            let events = try await collect(backend.start(request))
            let answer = try response(events)
            #expect(answer.stopReason == .toolUse)
            guard case .toolUse(let call)? = answer.content.first, answer.content.count == 1 else {
                Issue.record("expected one tool call, got \(answer.content)")
                continue
            }
            #expect(call.name == "get_weather")
            #expect(call.input["city"]?.stringValue.map { $0.count <= 10 } == true)
            #expect(call.input["days"]?.intValue.map { (1...9).contains($0) } == true)
            let fragments = events.compactMap { if case .blockDelta(.toolInput(let json)) = $0 { json } else { nil } }
            #expect(try JSONParser.parse(fragments.joined()) == call.input)
        }
    }

    /// Tagged formats (Qwen3-Coder's, GLM's) write string arguments unquoted; their grammars keep
    /// them to the schema's enum, as JSON formats' do.
    @Test(arguments: families)
    func aForcedCallKeepsAStringArgumentToItsEnum(_ family: Family) async throws {
        let backend = try TinyModels.backend(family.template, context: 8192, parallel: 1)
        let request = ChatRequest(
            model: "tiny", messages: [.user("Time?")], tools: [TestTools.time, TestTools.weather],
            toolChoice: .tool(name: "get_time"), parallelToolCalls: false, maxTokens: 400, thinking: .disabled,
            seed: 42)
        let answer = try response(try await collect(backend.start(request)))
        guard case .toolUse(let call)? = answer.content.first, answer.content.count == 1 else {
            Issue.record("expected one tool call, got \(answer.content)")
            return
        }
        #expect(call.name == "get_time")
        #expect(["UTC", "CET"].contains(call.input["zone"]?.stringValue))
    }
}
