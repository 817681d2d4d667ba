import SluiceCore

/// A request shaped like one from Claude Code a few turns into a session: a long system prompt,
/// a dozen tools, a CLAUDE.md reminder, a source file read, a git log, a config file with keys,
/// and prose — about 50 KB of text for the stages to scan, with a few values to find.
enum ClaudeCodeRequest {
    static let request: ChatRequest = {
        var system = [TextContent("x-anthropic-billing-header: cc_version=2.1.3.a1b; cc_entrypoint=cli; cch=9f86d081884c7d65;")]
        system.append(TextContent(instructions, cacheControl: ["type": "ephemeral"]))
        let tools = [
            "Task", "Bash", "Glob", "Grep", "Read", "Edit", "Write", "NotebookEdit", "WebFetch", "TodoWrite", "WebSearch", "BashOutput",
        ].map { name in
            ToolDefinition(
                name: name,
                description: "Use the \(name) tool when it helps. " + String(repeating: "It has careful rules. ", count: 20),
                inputSchema: ["type": "object", "properties": ["file_path": ["type": "string"]], "additionalProperties": false]
            )
        }
        let messages: [Message] = [
            Message(
                role: .user,
                content: [
                    .text(
                        TextContent(
                            "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\n\(claudeMD)\n</system-reminder>"
                        )
                    ),
                    .text(
                        TextContent(
                            "The server crashes on startup since the last deploy; the on-call is dana.ops@example.com. Can you look?")),
                ]
            ),
            Message(role: .system, content: [.text(TextContent("Effort: medium. Today's date is 2025-10-09."))]),
            Message(
                role: .assistant,
                content: [
                    .thinking(Thinking("Let me read the server entry point first, then the recent history.", signature: "EqQBCkYIBxgCKkD")),
                    .text(TextContent("I'll start by reading the server's entry point.")),
                    .toolUse(ToolUse(id: "toolu_01", name: "Read", input: ["file_path": "/Users/dev/acme/Sources/App/Server.swift"])),
                ]
            ),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "toolu_01", content: [.text(TextContent(sourceFile))]))]),
            Message(
                role: .assistant,
                content: [
                    .toolUse(
                        ToolUse(
                            id: "toolu_02",
                            name: "Bash",
                            input: [
                                "command": "git log --format='%h %an <%ae> %ad %s' --date=iso -n 40", "description": "Show recent commits",
                            ]
                        )
                    )
                ]
            ),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "toolu_02", content: [.text(TextContent(gitLog))]))]),
            Message(
                role: .assistant,
                content: [
                    .toolUse(
                        ToolUse(id: "toolu_03", name: "Read", input: ["file_path": "/Users/dev/acme/config/production.yaml", "limit": 400]))
                ]
            ),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "toolu_03", content: [.text(TextContent(configFile))]))]),
            .assistant(analysis),
            .user("Thanks. Please fix it, run the tests, and summarise what changed."),
        ]
        return ChatRequest(
            model: "claude-sonnet-4-5",
            system: system,
            messages: messages,
            tools: tools,
            maxTokens: 32000,
            stream: true,
            thinking: .adaptive
        )
    }()

    /// The bytes of text the `pii` and `content` stages inspect: system and message text,
    /// thinking, tool results, and the string values of tool-call arguments.
    static var inspectedBytes: Int {
        func bytes(_ value: JSONValue) -> Int {
            switch value {
            case .string(let text): text.utf8.count
            case .array(let elements): elements.map(bytes).reduce(0, +)
            case .object(let object): object.map { bytes($0.value) }.reduce(0, +)
            case .null, .bool, .number: 0
            }
        }
        func bytes(_ block: ContentBlock) -> Int {
            switch block {
            case .text(let content): content.text.utf8.count
            case .thinking(let thinking): thinking.text.utf8.count
            case .toolUse(let use): bytes(use.input)
            case .toolResult(let result): result.content.map(bytes).reduce(0, +)
            case .image, .redactedThinking, .anthropicOnly, .responsesOnly: 0
            }
        }
        return request.system.map(\.text.utf8.count).reduce(0, +) + request.messages.flatMap(\.content).map(bytes).reduce(0, +)
    }

    private static let instructions: String = {
        let sentences = [
            "You are an interactive CLI tool that helps users with software engineering tasks.",
            "Use the instructions below and the tools available to you to assist the user.",
            "IMPORTANT: Assist with defensive security tasks only; refuse to create code that may be used maliciously.",
            "When the user asks about the tool itself, use WebFetch to read the documentation at https://docs.example.com/en/docs/overview.",
            "Keep your responses short, since they will be displayed on a command line interface; use GitHub-flavored markdown.",
            "Only use emojis if the user explicitly requests it; avoid using emojis in all communication unless asked.",
            "When referencing specific functions or pieces of code include the pattern file_path:line_number, e.g. src/server.ts:712.",
            "Use the TodoWrite tool to plan the task if required, mark todos as completed as soon as you are done with a task.",
            "You have the capability to call multiple tools in a single response; batch independent calls together for performance.",
            "NEVER commit changes unless the user explicitly asks you to; it is VERY IMPORTANT to only commit when asked.",
        ]
        var text = ""
        var index = 0
        while text.utf8.count < 13_000 {
            text += sentences[index % sentences.count] + (index % 4 == 3 ? "\n\n" : " ")
            index += 1
        }
        return text
            + "\nEnvironment: working directory /Users/dev/acme, platform darwin, OS version Darwin 24.6.0, git repo yes, model claude-sonnet-4-5-20250929."
    }()

    private static let claudeMD: String = {
        var text = "# Acme service\n\nBuild with `swift build -c release`; test with `swift test --parallel`.\n"
        for index in 1...40 {
            text +=
                "- Rule \(index): keep functions under 40 lines, prefer value types, version \(index / 10).\(index % 10).0, see docs/rules.md#r\(index).\n"
        }
        return text
    }()

    private static let sourceFile: String = {
        var lines: [String] = ["import Hummingbird", "import Logging", "", "/// The Acme API server.", "struct Server {"]
        for index in 1...210 {
            switch index % 6 {
            case 0: lines.append("    let port\(index): Int = \(8000 + index) // bind 127.0.0.1:\(8000 + index)")
            case 1: lines.append("    func handler\(index)(_ request: Request, context: some RequestContext) async throws -> Response {")
            case 2:
                lines.append("        logger.info(\"request \\(request.uri.path) took \\(elapsed) ms\", metadata: [\"id\": \"\\(id)\"])")
            case 3: lines.append("        let timeout = Duration.seconds(\(index)) + .milliseconds(250); let ratio = 0.\(index)5")
            case 4:
                lines.append(
                    "        guard let user = try await users.find(id: UUID(uuidString: \"3F2504E0-4F89-11D3-9A0C-0305E82C33\(10 + index % 90)\")) else { throw HTTPError(.notFound) }"
                )
            default: lines.append("    }")
            }
        }
        lines.append("}")
        return lines.enumerated().map { "\(String($0.offset + 1).leftPadded(to: 6))→\($0.element)" }.joined(separator: "\n")
    }()

    private static let gitLog: String = {
        let authors = [("Dana Ops", "dana.ops@example.com"), ("Lee Chen", "lee.chen@example.org"), ("Sam Roe", "sam@acme.dev")]
        return (0..<40).map { index in
            let (name, email) = authors[index % authors.count]
            return
                "\(String(0xa1b2c3 + index * 7919, radix: 16)) \(name) <\(email)> 2025-10-0\(index % 9 + 1) 1\(index % 10):2\(index % 6):00 +0200 Fix issue #\(1200 + index) in the request pipeline (v2.\(index).1)"
        }.joined(separator: "\n")
    }()

    private static let configFile: String = {
        var lines = [
            "server:", "  host: 0.0.0.0", "  port: 8080", "  upstream: http://10.0.12.7:9000", "aws:", "  region: eu-west-1",
            "  access_key_id: AKIAIOSFODNN7EXAMPLE", "  secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "github:", "  token: ghp_16C7e42F292c6912E7710c838347Ae178B4a", "billing:", "  test_card: 4111 1111 1111 1111",
        ]
        for index in 1...140 {
            lines.append("feature_\(index):\n  enabled: \(index % 2 == 0)\n  rollout: \(index % 100)%\n  owner: team-\(index % 7)")
        }
        return lines.joined(separator: "\n")
    }()

    private static let analysis: String = {
        var text = "## What I found\n\nThe crash comes from `Server.swift:112`: the handler force-unwraps the user id.\n\n"
        for index in 1...14 {
            text +=
                "\(index). In commit \(String(0xa1b2c3 + index * 7919, radix: 16)) the timeout went from \(index)s to \(index * 2)s, which changed the retry budget; the fix is to guard the lookup and return 404.\n"
        }
        return text
    }()
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
