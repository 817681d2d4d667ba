import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PIIStreamTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let settings: JSONValue
        let request: String
        let response: String
        let expected: String
        /// Text no single delta may contain: raw values and pieces of placeholders.
        let forbidden: [String]

        var testDescription: String { response }
    }

    static let scenarios = [
        Scenario(
            settings: piiSettings(["email": "tokenize", "aws_access_key": "redact"]),
            request: "Mail john@example.com",
            response: "Sure, <EMAIL_1> gets AKIAIOSFODNN7EXAMPLE.",
            expected: "Sure, john@example.com gets [AWS_ACCESS_KEY].",
            forbidden: ["<", ">", "AKIA", "EXAMPLE"]
        ),
        Scenario(
            settings: piiSettings(["phone": "tokenize", "email": "redact", "aws_access_key": "mask"]),
            request: "Call +44 20 7946 0958",
            response: "Called <PHONE_1>; wrote john@example.com; key AKIAIOSFODNN7EXAMPLE",
            expected: "Called +44 20 7946 0958; wrote [EMAIL]; key AKIA****MPLE",
            forbidden: ["<", ">", "john", "@", "IOSFODNN7EXA"]
        ),
    ]

    private func run(_ scenario: Scenario, chunks: [String], as block: BlockStart = .text) async throws -> [StreamEvent] {
        var session = PIISession(rules: try piiRules(scenario.settings))
        var request = piiRequest(scenario.request)
        _ = try await session.prepare(&request)
        return try streamBlock(chunks, as: block, through: &session)
    }

    private func expectClean(_ events: [StreamEvent], _ scenario: Scenario, _ chunks: [String]) {
        #expect(deltaText(events) == scenario.expected, "chunks \(chunks)")
        for event in events {
            for fragment in scenario.forbidden where deltaText(event).contains(fragment) {
                Issue.record("delta \(deltaText(event).debugDescription) leaks \(fragment.debugDescription) for chunks \(chunks)")
            }
        }
    }

    @Test(arguments: scenarios)
    func everySplitIntoTwoYieldsTheExpectedText(_ scenario: Scenario) async throws {
        for cut in characterBoundaries(scenario.response) {
            let chunks = split(scenario.response, at: [cut])
            expectClean(try await run(scenario, chunks: chunks), scenario, chunks)
        }
    }

    @Test(arguments: scenarios)
    func everySplitIntoThreeYieldsTheExpectedText(_ scenario: Scenario) async throws {
        let boundaries = characterBoundaries(scenario.response)
        for (index, first) in boundaries.enumerated() {
            for second in boundaries[(index + 1)...] {
                let chunks = split(scenario.response, at: [first, second])
                expectClean(try await run(scenario, chunks: chunks), scenario, chunks)
            }
        }
    }

    @Test(arguments: scenarios)
    func oneCharacterPerDeltaYieldsTheExpectedText(_ scenario: Scenario) async throws {
        let chunks = scenario.response.map(String.init)
        expectClean(try await run(scenario, chunks: chunks), scenario, chunks)
    }

    @Test func anEmailCutAcrossThreeDeltasIsRedactedWhole() async throws {
        var session = PIISession(rules: try piiRules(piiSettings(["email": "redact"])))
        let events = try streamBlock(["jo", "hn@exa", "mple.com"], through: &session)
        #expect(events.map(deltaText).filter { !$0.isEmpty } == ["[EMAIL]"])
        #expect(events.last == .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()))
        #expect(session.actions == ["pii:output:EMAIL=1"])
    }

    @Test func everySplitOfToolArgumentsStaysValidJSON() async throws {
        let scenario = Scenario(
            settings: piiSettings(["email": "tokenize", "aws_access_key": "redact"]),
            request: "Mail \"john\"@example.com? no: john@example.com",
            response: #"{"to":"<EMAIL_1>","note":"key\nAKIAIOSFODNN7EXAMPLE"}"#,
            expected: #"{"to":"john@example.com","note":"key\n[AWS_ACCESS_KEY]"}"#,
            forbidden: ["<", ">", "AKIA"]
        )
        for cut in characterBoundaries(scenario.response) {
            let chunks = split(scenario.response, at: [cut])
            let events = try await run(scenario, chunks: chunks, as: .toolUse(id: "tu_1", name: "Mail"))
            expectClean(events, scenario, chunks)
        }
    }

    @Test func heldBackTextIsReleasedAsDeltasOfTheSameBlock() async throws {
        var session = PIISession(rules: try piiRules(piiSettings(["email": "redact"])))
        let input: [StreamEvent] = [
            .messageStart(id: "m", model: "m", usage: Usage()),
            .blockStart(.thinking), .blockDelta(.thinking("note: jo")), .blockDelta(.thinking("hn@example.com")),
            .blockDelta(.signature("sig")),
            .blockStop,
            .blockStart(.text), .blockDelta(.text("Hi jo")), .blockStop,
            .blockStart(.redactedThinking(data: "xyz")), .blockStop,
            .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
        ]
        var output: [StreamEvent] = []
        for event in input { output += try session.process(event).events }
        #expect(
            output == [
                .messageStart(id: "m", model: "m", usage: Usage()),
                .blockStart(.thinking), .blockDelta(.thinking("note: ")), .blockDelta(.thinking("[EMAIL]")), .blockDelta(.signature("sig")),
                .blockStop,
                .blockStart(.text), .blockDelta(.text("Hi ")), .blockDelta(.text("jo")), .blockStop,
                .blockStart(.redactedThinking(data: "xyz")), .blockStop,
                .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
            ]
        )
    }

    @Test func blockOnTheWayOutRedacts() async throws {
        var session = PIISession(rules: try piiRules(piiSettings(["payment_card": "block"])))
        let events = try streamBlock(["Use 4111 1111 ", "1111 1111 to pay"], through: &session)
        #expect(deltaText(events) == "Use [PAYMENT_CARD] to pay")
    }

    @Test func textWithoutValuesIsHeldBackOnlyWhereAMatchCouldStart() async throws {
        // Every detector on: the held-back tail never reaches past the last word being written.
        let all = Dictionary(uniqueKeysWithValues: PIIDetector.builtInNames.map { ($0, "redact") })
        var session = PIISession(rules: try piiRules(piiSettings(all)))
        _ = try session.process(.messageStart(id: "m", model: "m", usage: Usage()))
        _ = try session.process(.blockStart(.text))
        let text = String(repeating: "The quick brown fox jumps over the lazy dog, then rests. ", count: 40)
        var sent = ""
        var released = ""
        for chunk in split(text, at: Array(stride(from: 7, to: text.utf8.count, by: 7))) {
            sent += chunk
            released += deltaText(try session.process(.blockDelta(.text(chunk))).events)
            let lastWord = sent.reversed().prefix { $0 != " " }.count
            #expect(
                sent.utf8.count - released.utf8.count <= lastWord,
                "held back more than the last word after \(sent.suffix(20).debugDescription)")
        }
        released += deltaText(try session.process(.blockStop).events)
        #expect(released == text)
    }

    @Test func noStageWorkWithoutOutputDetectors() async throws {
        // Only tokenizing detectors and no placeholder made: events pass as they are.
        var session = PIISession(rules: try piiRules(piiSettings([:])))
        let events = try streamBlock(["jo", "hn@example.com"], through: &session)
        #expect(events.map(deltaText).filter { !$0.isEmpty } == ["jo", "hn@example.com"])
    }
}
