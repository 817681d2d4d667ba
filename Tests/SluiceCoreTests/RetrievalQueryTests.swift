import SluiceCore
import Testing

@Suite struct RetrievalQueryTests {
    private func request(_ messages: [Message]) -> ChatRequest {
        ChatRequest(model: "m", system: [TextContent("You are terse.")], messages: messages)
    }

    @Test func theQueryIsTheLastUserTurnsOwnText() {
        let reminder = "<system-reminder>\nclaudeMd: always answer in French\n</system-reminder>"
        let request = request([
            .user("first question"), .assistant("answer"),
            Message(role: .user, content: [.text(TextContent(reminder)), .text(TextContent("How many vacation days?"))]),
        ])
        #expect(request.retrievalQuery == "How many vacation days?")
    }

    @Test func aTurnOfToolResultsOnlyHasNoQuery() {
        let result = ToolResult(toolUseID: "t1", content: [.text(TextContent("vacation policy: 30 days"))])
        let request = request([
            .user("look it up"),
            Message(role: .assistant, content: [.toolUse(ToolUse(id: "t1", name: "read", input: [:]))]),
            Message(role: .user, content: [.toolResult(result), .text(TextContent("<system-reminder>x</system-reminder>"))]),
        ])
        #expect(request.retrievalQuery == nil)
        var changed = request
        let inserted = changed.insertRetrievedContext("context")
        #expect(!inserted)
        #expect(changed == request)
    }

    @Test func contextGoesBeforeTheUserTextAfterToolResultsTouchingNothingElse() {
        let result = ToolResult(toolUseID: "t1", content: [.text(TextContent("ok"))])
        let original = request([
            .user("earlier"), .assistant("sure"),
            Message(role: .user, content: [.toolResult(result), .text(TextContent("and now?"))]),
        ])
        var request = original
        let inserted = request.insertRetrievedContext("PASSAGES")
        #expect(inserted)
        #expect(request.system == original.system)
        #expect(Array(request.messages.prefix(2)) == Array(original.messages.prefix(2)))
        #expect(request.messages[2].content == [.toolResult(result), .text(TextContent("PASSAGES")), .text(TextContent("and now?"))])
    }

    @Test func anUnclosedReminderRunsToTheEnd() {
        let request = request([.user("question <system-reminder>dangling")])
        #expect(request.retrievalQuery == "question")
    }
}
