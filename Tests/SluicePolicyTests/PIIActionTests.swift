import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PIIActionTests {
    /// The request after the stage, and the stage's actions.
    private func prepared(
        _ request: ChatRequest,
        _ settings: JSONValue
    ) async throws -> (request: ChatRequest, verdict: PolicyVerdict, actions: [String]) {
        var session = PIISession(rules: try piiRules(settings))
        var request = request
        let verdict = try await session.prepare(&request)
        return (request, verdict, session.actions)
    }

    private func scrubbed(_ text: String, _ settings: JSONValue) async throws -> String {
        let result = try await prepared(piiRequest(text), settings)
        guard case .proceed = result.verdict else {
            Issue.record("expected the request to proceed, got \(result.verdict)")
            return ""
        }
        return result.request.messages[0].text
    }

    @Test func redactReplacesWithTheLabel() async throws {
        let result = try await prepared(piiRequest("Mail john@example.com or ann@example.org."), piiSettings(["email": "redact"]))
        #expect(result.request.messages[0].text == "Mail [EMAIL] or [EMAIL].")
        #expect(result.actions == ["pii:EMAIL=2"])
    }

    static let masks: [(detector: String, value: String, masked: String)] = [
        ("email", "john@example.com", "j***@example.com"),
        ("payment_card", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("payment_card", "4111111111111111", "************1111"),
        ("phone", "+44 20 7946 0958", "+** ** **** 0958"),
        ("us_ssn", "123-45-6789", "***-**-6789"),
        ("iban", "DE89 3704 0044 0532 0130 00", "DE** **** **** **** **30 00"),
        ("ipv4", "192.168.1.20", "192.*.*.*"),
        ("ipv6", "2001:db8::1", "2001:***::*"),
        ("aws_access_key", "AKIAIOSFODNN7EXAMPLE", "AKIA****MPLE"),
        ("provider_secret", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "ghp_****8B4a"),
        ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX2hlcmU", "eyJhbGciOiJIUzI1NiJ9.****"),
        (
            "private_key",
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5dRo9AAcR0dRgoAoGCCqGSM49\n-----END EC PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----****-----END EC PRIVATE KEY-----"
        ),
    ]

    @Test(arguments: masks)
    func maskKeepsAFewCharacters(detector: String, value: String, masked: String) async throws {
        #expect(try await scrubbed("value: \(value) end", piiSettings([detector: "mask"])) == "value: \(masked) end")
    }

    @Test func blockRefusesNamingTheDetectorNotTheValue() async throws {
        let result = try await prepared(piiRequest("my card is 4111 1111 1111 1111"), piiSettings(["payment_card": "block"]))
        guard case .refuse(let error) = result.verdict else {
            Issue.record("expected a refusal, got \(result.verdict)")
            return
        }
        #expect(error.category == .permission)
        #expect(error.message.contains("payment_card"))
        #expect(!error.message.contains("4111"))
        #expect(result.actions == ["pii:PAYMENT_CARD=1"])
    }

    @Test func tokenizeNumbersPlaceholdersPerDetectorInOrder() async throws {
        let text = "b@example.com, AKIAIOSFODNN7EXAMPLE, a@example.com, b@example.com"
        let scrubbed = try await scrubbed(text, piiSettings(["email": "tokenize", "aws_access_key": "tokenize"]))
        #expect(scrubbed == "<EMAIL_1>, <AWS_ACCESS_KEY_1>, <EMAIL_2>, <EMAIL_1>")
    }

    @Test func offLeavesTheValueAndCountsNothing() async throws {
        let result = try await prepared(piiRequest("john@example.com 4111111111111111"), piiSettings([:]))
        #expect(result.request.messages[0].text == "john@example.com 4111111111111111")
        #expect(result.actions.isEmpty)
    }

    @Test func unlistedDetectorsKeepTheDefaultPolicyActions() async throws {
        let result = try await prepared(
            piiRequest("AKIAIOSFODNN7EXAMPLE john@example.com 4111111111111111 123-45-6789 sk-proj-Q2x9Lm4Pz8Rt1Vb6Nc3Kd7Hf0Jg5Ws2Ya4Ue"),
            [:]
        )
        #expect(result.request.messages[0].text == "<AWS_ACCESS_KEY_1> john@example.com [PAYMENT_CARD] [US_SSN] <PROVIDER_SECRET_1>")
        #expect(result.actions == ["pii:AWS_ACCESS_KEY=1", "pii:PROVIDER_SECRET=1", "pii:PAYMENT_CARD=1", "pii:US_SSN=1"])
    }

    @Test func customDetectorsUseTheirOwnPatternAndLabel() async throws {
        let settings = piiSettings(
            [:],
            custom: [
                ["name": "employee_id", "pattern": #"\bEMP-[0-9]{6}\b"#], ["name": "ticket", "pattern": "TCK[0-9]+", "action": "tokenize"],
            ]
        )
        let result = try await prepared(piiRequest("EMP-123456 filed TCK42 and TCK42"), settings)
        #expect(result.request.messages[0].text == "[EMPLOYEE_ID] filed <TICKET_1> and <TICKET_1>")
        #expect(result.actions == ["pii:EMPLOYEE_ID=1", "pii:TICKET=2"])
    }

    @Test func scrubsEveryTextOfTheRequest() async throws {
        let email = "john@example.com"
        let request = ChatRequest(
            model: "m",
            system: [TextContent("system \(email)")],
            messages: [
                .user("user \(email)"),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("thinking \(email)", signature: "sig")),
                        .text(TextContent("assistant \(email)")),
                        .toolUse(
                            ToolUse(
                                id: "tu_1",
                                name: "Bash",
                                input: [
                                    "john@example.com": [
                                        "command": .string("mail \(email)"), "args": ["-s", .string(email), 3, true, nil],
                                    ]
                                ]
                            )
                        ),
                    ]
                ),
                Message(
                    role: .user,
                    content: [
                        .toolResult(
                            ToolResult(
                                toolUseID: "tu_1",
                                content: [.text(TextContent("sent to \(email)")), .image(ImageContent(source: .url("https://x/\(email)")))]
                            )
                        ),
                        .text(TextContent("<system-reminder>\(email)</system-reminder>")),
                    ]
                ),
                Message(role: .system, content: [.text(TextContent("in place \(email)"))]),
            ]
        )
        let result = try await prepared(request, piiSettings(["email": "redact"]))
        let scrubbed = result.request
        #expect(scrubbed.system[0].text == "system [EMAIL]")
        #expect(scrubbed.messages[0].text == "user [EMAIL]")
        #expect(scrubbed.messages[1].content[0] == .thinking(Thinking("thinking [EMAIL]", signature: "sig")))
        #expect(scrubbed.messages[1].content[1] == .text(TextContent("assistant [EMAIL]")))
        // Every string value of the arguments, however deep; keys and other values untouched.
        #expect(
            scrubbed.messages[1].content[2]
                == .toolUse(
                    ToolUse(
                        id: "tu_1",
                        name: "Bash",
                        input: ["john@example.com": ["command": "mail [EMAIL]", "args": ["-s", "[EMAIL]", 3, true, nil]]]
                    )
                )
        )
        #expect(
            scrubbed.messages[2].content[0]
                == .toolResult(
                    ToolResult(
                        toolUseID: "tu_1",
                        content: [.text(TextContent("sent to [EMAIL]")), .image(ImageContent(source: .url("https://x/\(email)")))]
                    )
                )
        )
        #expect(scrubbed.messages[2].content[1] == .text(TextContent("<system-reminder>[EMAIL]</system-reminder>")))
        #expect(scrubbed.messages[3].text == "in place [EMAIL]")
        #expect(result.actions == ["pii:EMAIL=9"])
    }

    @Test func scrubsTheWordsOfAnthropicOnlyBlocksButNotTheirDataOrIdentifiers() async throws {
        let email = "john@example.com"
        let searchResult: JSONObject = [
            "type": "search_result", "source": .string("https://wiki/\(email)"), "title": .string("Contact \(email)"),
            "content": [["type": "text", "text": .string("Write to \(email).")]],
        ]
        let document: JSONObject = [
            "type": "document", "title": .string("From \(email)"),
            "source": ["type": "base64", "media_type": "application/pdf", "data": .string("JVBER\(email)")],
        ]
        let serverResult: JSONObject = [
            "type": "web_search_tool_result", "tool_use_id": .string("srv_\(email)"),
            "content": [["type": "web_search_result", "title": .string("About \(email)"), "encrypted_content": .string("E\(email)")]],
        ]
        let request = ChatRequest(
            model: "m",
            messages: [
                Message(
                    role: .user,
                    content: [
                        .anthropicOnly(AnthropicOnlyContent(anthropicBlock: searchResult)),
                        .anthropicOnly(AnthropicOnlyContent(anthropicBlock: document)),
                    ]),
                Message(role: .assistant, content: [.anthropicOnly(AnthropicOnlyContent(anthropicBlock: serverResult))]),
            ])
        let scrubbed = try await prepared(request, piiSettings(["email": "redact"])).request
        #expect(
            scrubbed.messages[0].content[0]
                == .anthropicOnly(
                    AnthropicOnlyContent(anthropicBlock: [
                        "type": "search_result", "source": "https://wiki/[EMAIL]", "title": "Contact [EMAIL]",
                        "content": [["type": "text", "text": "Write to [EMAIL]."]],
                    ])))
        #expect(
            scrubbed.messages[0].content[1]
                == .anthropicOnly(
                    AnthropicOnlyContent(anthropicBlock: [
                        "type": "document", "title": "From [EMAIL]",
                        "source": ["type": "base64", "media_type": "application/pdf", "data": .string("JVBER\(email)")],
                    ])))
        #expect(
            scrubbed.messages[1].content[0]
                == .anthropicOnly(
                    AnthropicOnlyContent(anthropicBlock: [
                        "type": "web_search_tool_result", "tool_use_id": .string("srv_\(email)"),
                        "content": [["type": "web_search_result", "title": "About [EMAIL]", "encrypted_content": .string("E\(email)")]],
                    ])))
    }

    @Test func scrubsTheQueryOfABuiltInToolCallButNotItsIdentifiers() async throws {
        let email = "john@example.com"
        let search: JSONObject = [
            "type": "web_search_call", "id": .string("ws_\(email)"), "status": "completed",
            "action": ["type": "search", "query": .string("who is \(email)")],
        ]
        let request = ChatRequest(
            model: "m",
            messages: [.user("Look it up"), Message(role: .assistant, content: [.responsesOnly(ResponsesOnlyContent(item: search))])])
        let scrubbed = try await prepared(request, piiSettings(["email": "redact"])).request
        #expect(
            scrubbed.messages[1].content[0]
                == .responsesOnly(
                    ResponsesOnlyContent(item: [
                        "type": "web_search_call", "id": .string("ws_\(email)"), "status": "completed",
                        "action": ["type": "search", "query": "who is [EMAIL]"],
                    ])))
    }

    @Test func aRequestWithNothingToScrubIsLeftAsItWas() async throws {
        let request = ChatRequest(model: "m", system: [TextContent("You are helpful.")], messages: [.user("Hello there")])
        let result = try await prepared(request, [:])
        #expect(result.request == request)
        #expect(result.actions.isEmpty)
    }

    @Test func hittingTheMatchLimitRefusesTheRequest() async throws {
        // A catastrophic custom pattern: the scan gives up at the match limit, and the request is
        // refused rather than passed on unchecked.
        let settings = piiSettings([:], custom: [["name": "runaway", "pattern": "(a+)+$"]])
        let result = try await prepared(piiRequest(String(repeating: "a", count: 40) + "!"), settings)
        guard case .refuse(let error) = result.verdict else {
            Issue.record("expected a refusal, got \(result.verdict)")
            return
        }
        #expect(error.category == .invalidRequest)
        #expect(error.message.contains("too costly to check"))
    }

    @Test func hittingTheMatchLimitInAResponseFailsTheStream() throws {
        let settings = piiSettings([:], custom: [["name": "runaway", "pattern": "(a+)+$"]])
        var session = PIISession(rules: try piiRules(settings))
        let error = try #require(throws: SluiceError.self) {
            _ = try streamBlock([String(repeating: "a", count: 40) + "!"], through: &session)
        }
        #expect(error.message.contains("too costly to check"))
    }
}
