import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PIITokenizeTests {
    private static let settings = piiSettings(["email": "tokenize", "aws_access_key": "tokenize", "private_key": "tokenize"])
    private static let privateKey =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----"

    private func session(after request: inout ChatRequest) async throws -> PIISession {
        var session = PIISession(rules: try piiRules(Self.settings))
        guard case .proceed = try await session.prepare(&request) else {
            Issue.record("expected the request to proceed")
            return session
        }
        return session
    }

    @Test func placeholdersInTextComeBackAsTheOriginals() async throws {
        var request = piiRequest("Write to john@example.com with key AKIAIOSFODNN7EXAMPLE")
        var session = try await session(after: &request)
        #expect(request.messages[0].text == "Write to <EMAIL_1> with key <AWS_ACCESS_KEY_1>")
        let events = try streamBlock(["Done: mailed <EMAIL_1> using <AWS_ACCESS_KEY_1>."], through: &session)
        #expect(deltaText(events) == "Done: mailed john@example.com using AKIAIOSFODNN7EXAMPLE.")
    }

    @Test func placeholdersInThinkingComeBackAsTheOriginals() async throws {
        var request = piiRequest("Write to john@example.com")
        var session = try await session(after: &request)
        let events = try streamBlock(["The user wants <EMAIL", "_1> mailed."], as: .thinking, through: &session)
        #expect(deltaText(events) == "The user wants john@example.com mailed.")
    }

    @Test func placeholdersInToolArgumentsComeBackJSONEscaped() async throws {
        var request = piiRequest("Save this key for john@example.com:\n\(Self.privateKey)")
        var session = try await session(after: &request)
        #expect(request.messages[0].text == "Save this key for <EMAIL_1>:\n<PRIVATE_KEY_1>")
        let chunks = [#"{"file_path":"/tmp/k.pem","#, #""content":"<PRIVATE_"#, #"KEY_1>","owner":"<EMA"#, #"IL_1>"}"#]
        let events = try streamBlock(chunks, as: .toolUse(id: "tu_1", name: "Write"), through: &session)
        let arguments = try JSONParser.parse(deltaText(events))
        #expect(arguments == ["file_path": "/tmp/k.pem", "content": .string(Self.privateKey), "owner": "john@example.com"])
    }

    @Test func anOriginalWithQuotesIsEscapedInsideToolArguments() async throws {
        let settings = piiSettings([:], custom: [["name": "quoted", "pattern": #"Q\{[^}]*\}"#, "action": "tokenize"]])
        var session = PIISession(rules: try piiRules(settings))
        var request = piiRequest(#"token Q{a "b" \c} here"#)
        _ = try await session.prepare(&request)
        #expect(request.messages[0].text == "token <QUOTED_1> here")
        let events = try streamBlock([#"{"v":"<QUOTED_1>"}"#], as: .toolUse(id: "tu_1", name: "T"), through: &session)
        #expect(try JSONParser.parse(deltaText(events)) == ["v": #"Q{a "b" \c}"#])
    }

    @Test func theSameValueGetsTheSamePlaceholder() async throws {
        var request = ChatRequest(
            model: "m",
            system: [TextContent("Owner: ann@example.com")],
            messages: [.user("cc ann@example.com and bob@example.com, again ann@example.com")]
        )
        _ = try await session(after: &request)
        #expect(request.system[0].text == "Owner: <EMAIL_1>")
        #expect(request.messages[0].text == "cc <EMAIL_1> and <EMAIL_2>, again <EMAIL_1>")
    }

    @Test func placeholdersStayTheSameAcrossTurns() async throws {
        let firstUser = Message.user("Mail ann@example.com and bob@example.com the key AKIAIOSFODNN7EXAMPLE")
        var first = ChatRequest(model: "m", messages: [firstUser])
        var firstSession = try await session(after: &first)
        let modelReply = "I will write to <EMAIL_2> first, then <EMAIL_1>."
        let clientSaw = deltaText(try streamBlock([modelReply], through: &firstSession))
        #expect(clientSaw == "I will write to bob@example.com first, then ann@example.com.")

        // The next turn carries the history, with the reply as the client saw it, and a new address.
        var second = ChatRequest(
            model: "m",
            messages: [firstUser, .assistant(clientSaw), .user("Also carol@example.com, and bob@example.com again")]
        )
        var secondSession = try await session(after: &second)
        #expect(second.messages[0] == first.messages[0])
        #expect(second.messages[1].text == modelReply)
        #expect(second.messages[2].text == "Also <EMAIL_3>, and <EMAIL_2> again")
        let events = try streamBlock(["Sent to <EMAIL_3> and <EMAIL_1>."], through: &secondSession)
        #expect(deltaText(events) == "Sent to carol@example.com and ann@example.com.")
    }

    @Test func toolCallsInHistoryMapBackToTheirPlaceholders() async throws {
        var first = piiRequest("Mail ann@example.com")
        var firstSession = try await session(after: &first)
        let arguments = deltaText(try streamBlock([#"{"to":"<EMAIL_1>"}"#], as: .toolUse(id: "tu_1", name: "Mail"), through: &firstSession))
        #expect(arguments == #"{"to":"ann@example.com"}"#)

        var second = ChatRequest(
            model: "m",
            messages: [
                .user("Mail ann@example.com"),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "tu_1", name: "Mail", input: try JSONParser.parse(arguments)))]),
                Message(
                    role: .user,
                    content: [.toolResult(ToolResult(toolUseID: "tu_1", content: [.text(TextContent("sent to ann@example.com"))]))]),
            ]
        )
        _ = try await session(after: &second)
        #expect(second.messages[1].content[0] == .toolUse(ToolUse(id: "tu_1", name: "Mail", input: ["to": "<EMAIL_1>"])))
        #expect(
            second.messages[2].content[0] == .toolResult(ToolResult(toolUseID: "tu_1", content: [.text(TextContent("sent to <EMAIL_1>"))])))
    }

    @Test func aPlaceholderThisRequestNeverMadeIsLeftAlone() async throws {
        var request = piiRequest("Write to john@example.com")
        var session = try await session(after: &request)
        let events = try streamBlock(["<EMAIL_1> and <EMAIL_7> and <b>"], through: &session)
        #expect(deltaText(events) == "john@example.com and <EMAIL_7> and <b>")
    }

    @Test func rawValuesOfTokenizedDetectorsThatTheModelWritesPassThrough() async throws {
        var request = piiRequest("Write to john@example.com")
        var session = try await session(after: &request)
        let events = try streamBlock(["Or try support@example.com"], through: &session)
        #expect(deltaText(events) == "Or try support@example.com")
        #expect(session.actions == ["pii:EMAIL=1"])
    }
}
