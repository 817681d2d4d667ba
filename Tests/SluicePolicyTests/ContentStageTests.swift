import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct ContentStageTests {
    private static let projectX: JSONValue = [
        "words": ["confidential-project-x", "project x"], "message": "Project X may not be discussed with the model.",
    ]

    private func stage(input: [JSONValue] = [], output: [JSONValue] = []) throws -> any PolicyStage {
        try ContentStageFactory().makeStage(
            settings: JSONCursor(root: ["input": .array(input), "output": .array(output)]),
            environment: PolicyEnvironment()
        )
    }

    private func session(input: [JSONValue] = [], output: [JSONValue] = []) throws -> ContentSession {
        let stage = try #require(try stage(input: input, output: output) as? ContentStage)
        return ContentSession(input: stage.input, output: stage.output)
    }

    private func prepared(_ request: ChatRequest, input: [JSONValue]) async throws -> (verdict: PolicyVerdict, actions: [String]) {
        var session = try session(input: input)
        var request = request
        let verdict = try await session.prepare(&request)
        return (verdict, session.actions)
    }

    private func refusal(_ verdict: PolicyVerdict, sourceLocation: SourceLocation = #_sourceLocation) -> SluiceError? {
        guard case .refuse(let error) = verdict else {
            Issue.record("expected a refusal, got \(verdict)", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }

    // MARK: - Input

    @Test func aMatchingRequestIsRefusedWithTheRuleMessage() async throws {
        let result = try await prepared(piiRequest("Tell me about Confidential-Project-X."), input: [Self.projectX])
        let error = try #require(refusal(result.verdict))
        #expect(error.category == .permission)
        #expect(error.message == "Project X may not be discussed with the model.")
        #expect(result.actions == ["content:input"])
    }

    @Test func wordsMatchWholeWordsInAnyCaseAndSpacing() async throws {
        for text in ["what is PROJECT   X?", "project\nx", "(confidential-project-x)", "Projekt: project x"] {
            _ = try #require(refusal(try await prepared(piiRequest(text), input: [Self.projectX]).verdict), "\(text)")
        }
        for text in ["confidential-project-xyz", "preconfidential-project-x", "project xylophone", "subproject x"] {
            let result = try await prepared(piiRequest(text), input: [Self.projectX])
            guard case .proceed = result.verdict else {
                Issue.record("\(text.debugDescription) should pass")
                continue
            }
            #expect(result.actions.isEmpty)
        }
    }

    @Test func patternRulesAreChecked() async throws {
        let rule: JSONValue = ["pattern": #"(?i)\binternal[- ]only\b"#, "message": "Internal-only material may not be sent."]
        let error = try #require(refusal(try await prepared(piiRequest("This memo is INTERNAL-ONLY."), input: [rule]).verdict))
        #expect(error.message == "Internal-only material may not be sent.")
    }

    @Test func everyTextOfTheRequestIsChecked() async throws {
        let requests = [
            ChatRequest(model: "m", system: [TextContent("about project x")], messages: [.user("hi")]),
            ChatRequest(model: "m", messages: [.user("hi"), .assistant("project x"), .user("ok")]),
            ChatRequest(
                model: "m",
                messages: [
                    Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "t", content: [.text(TextContent("project x"))]))])
                ]
            ),
            ChatRequest(
                model: "m",
                messages: [
                    Message(role: .assistant, content: [.toolUse(ToolUse(id: "t", name: "Bash", input: ["cmd": ["grep 'project x'"]]))])
                ]
            ),
            ChatRequest(model: "m", messages: [Message(role: .assistant, content: [.thinking(Thinking("project x"))])]),
            ChatRequest(model: "m", messages: [.user("hi"), Message(role: .system, content: [.text(TextContent("project x"))])]),
        ]
        for request in requests {
            _ = try #require(refusal(try await prepared(request, input: [Self.projectX]).verdict))
        }
    }

    @Test func aRuleWithoutMessageGetsTheDefaultOne() async throws {
        let error = try #require(refusal(try await prepared(piiRequest("nope"), input: [["words": ["nope"]]]).verdict))
        #expect(error.message == ContentRule.defaultInputMessage)
    }

    @Test func aRunawayPatternRefusesTheRequest() async throws {
        let error = try #require(
            refusal(try await prepared(piiRequest(String(repeating: "a", count: 40) + "!"), input: [["pattern": "(a+)+$"]]).verdict)
        )
        #expect(error.message.contains("too costly to check"))
    }

    // MARK: - Output

    /// Runs `chunks` as one text block from a backend through a policy run with the stage.
    private func clientEvents(_ chunks: [String], output: [JSONValue], block: BlockStart = .text) async throws -> [StreamEvent] {
        let run = PolicyRun(
            stages: [try stage(output: output)], context: PolicyContext(keyID: "k", keyName: "k", policyName: "p", requestID: "r"))
        var request = piiRequest("hello")
        guard case .proceed = try await run.prepare(&request) else {
            Issue.record("expected the request to proceed")
            return []
        }
        var backend: [StreamEvent] = [.messageStart(id: "m", model: "m", usage: Usage(inputTokens: 5)), .blockStart(block)]
        for chunk in chunks {
            if case .toolUse = block {
                backend.append(.blockDelta(.toolInput(partialJSON: chunk)))
            } else {
                backend.append(.blockDelta(.text(chunk)))
            }
        }
        backend += [
            .blockStop, .blockStart(.text), .blockDelta(.text("after")), .blockStop,
            .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(outputTokens: 9)),
        ]
        let (stream, continuation) = EventStream.makeStream()
        for event in backend { continuation.yield(event) }
        continuation.finish()
        var events: [StreamEvent] = []
        for try await event in run.transform(stream) { events.append(event) }
        #expect(run.actions == ["content:output"])
        return events
    }

    private static let projectXMessage = "Project X may not be discussed with the model."

    /// The stop reason and usage of the message's end.
    private func end(of events: [StreamEvent]) -> (stop: StopReason?, usage: Usage)? {
        guard case .messageEnd(let stop, _, let usage) = events.last else { return nil }
        return (stop, usage)
    }

    @Test func aMatchMidStreamStopsWithNothingOfTheMatchEmitted() async throws {
        let events = try await clientEvents(["All fine so far. The plan for Proj", "ect", " X is: step one"], output: [Self.projectX])
        let sent = "All fine so far. The plan for "
        #expect(
            events == [
                .messageStart(id: "m", model: "m", usage: Usage(inputTokens: 5)),
                .blockStart(.text),
                .blockDelta(.text(sent)),
                .blockStop,
                .blockStart(.text),
                .blockDelta(.text(Self.projectXMessage)),
                .blockStop,
                .messageEnd(
                    stopReason: .refusal, stopSequence: nil,
                    usage: Usage(
                        inputTokens: 5, outputTokens: TokenEstimate.outputTokens(utf8Count: (sent + Self.projectXMessage).utf8.count))),
            ]
        )
    }

    @Test func everySplitStopsBeforeTheMatchAndGivesTheRuleMessage() async throws {
        let text = "We can talk, but project x is off limits."
        for cut in characterBoundaries(text) {
            let events = try await clientEvents(split(text, at: [cut]), output: [Self.projectX])
            #expect(deltaText(events) == "We can talk, but " + Self.projectXMessage, "cut at \(cut)")
            #expect(end(of: events)?.stop == .refusal)
            expectWellFormed(events, block: .text)
        }
    }

    @Test func aMatchAtTheVeryEndIsCaughtWhenTheBlockStops() async throws {
        let events = try await clientEvents(["ok then: project ", "x"], output: [Self.projectX])
        #expect(deltaText(events) == "ok then: " + Self.projectXMessage)
        #expect(end(of: events)?.stop == .refusal)
        expectWellFormed(events, block: .text)
    }

    @Test func aMatchInToolArgumentsClosesTheCallAndGivesTheMessageAsText() async throws {
        let events = try await clientEvents(
            [#"{"command":"grep -r 'pro"#, #"ject x' ."}"#],
            output: [Self.projectX],
            block: .toolUse(id: "t", name: "Bash")
        )
        #expect(
            Array(events.dropFirst(2).dropLast()) == [
                .blockDelta(.toolInput(partialJSON: #"{"command":"grep -r '"#)), .blockStop,
                .blockStart(.text), .blockDelta(.text(Self.projectXMessage)), .blockStop,
            ])
        #expect(end(of: events)?.stop == .refusal)
    }

    @Test func anOutputRuleWithoutMessageGivesTheDefaultOne() async throws {
        let events = try await clientEvents(["a BEGIN SECRET b"], output: [["pattern": "BEGIN SECRET"]])
        #expect(deltaText(events) == "a " + ContentRule.defaultOutputMessage)
    }

    @Test func aStoppedStreamCountsWhatWasProducedAndSent() async throws {
        let words = String(repeating: "word ", count: 800)
        let events = try await clientEvents(
            [words, "BEGIN SECRET and more"], output: [["pattern": "BEGIN SECRET", "message": "Refused."]])
        #expect(deltaText(events) == words + "Refused.")
        let usage = try #require(end(of: events)?.usage)
        #expect(usage.inputTokens == 5, "the input the upstream reported at the start stays")
        // The upstream produced more than the client got (the match and what followed it).
        #expect(usage.outputTokens == TokenEstimate.outputTokens(utf8Count: (words + "BEGIN SECRET and more").utf8.count))
        #expect(usage.outputTokens >= TokenEstimate.outputTokens(utf8Count: words.utf8.count))
    }

    @Test func aStoppedStreamWithoutReportedInputEstimatesItFromTheRequest() async throws {
        let run = PolicyRun(
            stages: [try stage(output: [["pattern": "BEGIN SECRET"]])],
            context: PolicyContext(keyID: "k", keyName: "k", policyName: "p", requestID: "r"))
        var request = piiRequest("tell me the secret")
        _ = try await run.prepare(&request)
        let (stream, continuation) = EventStream.makeStream()
        for event: StreamEvent in [
            .messageStart(id: "m", model: "m", usage: Usage()), .blockStart(.text), .blockDelta(.text("BEGIN SECRET")),
        ] {
            continuation.yield(event)
        }
        continuation.finish()
        var events: [StreamEvent] = []
        for try await event in run.transform(stream) { events.append(event) }
        #expect(end(of: events)?.usage.inputTokens == TokenEstimate.inputTokens(of: request))
    }

    @Test func aResponseWithoutMatchesPassesWhole() async throws {
        var session = try session(output: [Self.projectX])
        let events = try streamBlock(["The project ", "xylophone is fine"], through: &session)
        #expect(deltaText(events) == "The project xylophone is fine")
        #expect(events.last == .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()))
        #expect(session.actions.isEmpty)
    }

    @Test func stopsCleanlyBehindThePIIStageOfAPolicy() async throws {
        let environment = PolicyEnvironment()
        let pii = try PIIStageFactory().makeStage(settings: JSONCursor(root: piiSettings(["email": "tokenize"])), environment: environment)
        let content = try ContentStageFactory().makeStage(
            settings: JSONCursor(root: ["output": [["words": ["launch codes"]]]]),
            environment: environment
        )
        let run = PolicyRun(stages: [pii, content], context: PolicyContext(keyID: "k", keyName: "k", policyName: "p", requestID: "r"))
        var request = piiRequest("Mail john@example.com")
        guard case .proceed = try await run.prepare(&request) else {
            Issue.record("expected the request to proceed")
            return
        }
        #expect(request.messages[0].text == "Mail <EMAIL_1>")
        let (stream, continuation) = EventStream.makeStream()
        for event: StreamEvent in [
            .messageStart(id: "m", model: "m", usage: Usage()), .blockStart(.text), .blockDelta(.text("Sure, <EMA")),
            .blockDelta(.text("IL_1> has the la")), .blockDelta(.text("unch codes: 0000")), .blockStop,
            .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
        ] {
            continuation.yield(event)
        }
        continuation.finish()
        var events: [StreamEvent] = []
        for try await event in run.transform(stream) { events.append(event) }
        #expect(deltaText(events) == "Sure, john@example.com has the " + ContentRule.defaultOutputMessage)
        #expect(end(of: events)?.stop == .refusal)
        expectWellFormed(events, block: .text)
        #expect(run.actions == ["pii:EMAIL=1", "content:output"])
        await run.complete(clientSawEnd: true)
    }

    // MARK: - Settings

    private func settingsError(_ settings: JSONValue) throws -> String {
        let error = try #require(throws: SluiceError.self) {
            _ = try ContentStageFactory().makeStage(settings: JSONCursor(root: settings), environment: PolicyEnvironment())
        }
        #expect(error.category == .invalidRequest)
        return error.message
    }

    @Test func factoryBuildsTheStageNamedContent() throws {
        #expect(ContentStageFactory().name == "content")
        #expect(try ContentStageFactory().makeStage(settings: JSONCursor(root: [:]), environment: PolicyEnvironment()).name == "content")
    }

    @Test func settingsErrorsNameTheirPath() throws {
        #expect(try settingsError(["input": [["pattern": "a", "words": ["b"]]]]) == "input[0]: expected either pattern or words, not both")
        #expect(try settingsError(["output": [["message": "m"]]]) == "output[0]: expected a pattern or words")
        #expect(
            try settingsError(["input": [["pattern": "(unclosed"]]])
                == "input[0].pattern: invalid pattern: missing closing parenthesis at offset 9"
        )
        #expect(try settingsError(["input": [["words": []]]]) == "input[0].words: expected at least one word")
        #expect(try settingsError(["input": [["words": ["ok", " "]]]]) == "input[0].words[1]: expected a word, not blank text")
        #expect(try settingsError(["input": [["words": "x"]]]) == "input[0].words: expected an array")
        #expect(try settingsError(["inputs": []]) == "inputs: unknown field; expected input, output")
        #expect(
            try settingsError(["output": [["pattern": "x", "mesage": "m"]]])
                == "output[0].mesage: unknown field; expected pattern, words, message"
        )
    }

    @Test func wordsWithPatternCharactersAreLiteral() async throws {
        let rule: JSONValue = ["words": ["c++ (v2)", "a.b"]]
        _ = try #require(refusal(try await prepared(piiRequest("we use c++ (v2) here"), input: [rule]).verdict))
        guard case .proceed = try await prepared(piiRequest("axb and c++ v2"), input: [rule]).verdict else {
            Issue.record("pattern characters in words must be literal")
            return
        }
    }
}
