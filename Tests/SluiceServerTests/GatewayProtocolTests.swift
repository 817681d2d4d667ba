import HTTPTypes
import Hummingbird
import SluiceCore
import Testing

@testable import SluiceServer

/// Pieces of Claude Code's gateway protocol that need no socket.
@Suite struct GatewayProtocolTests {
    @Test func claudeCodesHeadersMakeTheSession() throws {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Claude-Code-Session-Id")!] = "7d2c-session"
        headers[HTTPField.Name("x-claude-code-agent-id")!] = "agent-2"
        headers[HTTPField.Name("x-claude-code-parent-agent-id")!] = "agent-1"
        #expect(ClientSession(headers: headers) == ClientSession(sessionID: "7d2c-session", agentID: "agent-2", parentAgentID: "agent-1"))
    }

    @Test func noHeadersNoSessionAndLongIdsAreCut() throws {
        #expect(ClientSession(headers: [:]) == nil)
        var headers = HTTPFields()
        headers[.claudeCodeSessionID] = String(repeating: "s", count: 10_000)
        headers[.claudeCodeAgentID] = ""
        let session = try #require(ClientSession(headers: headers))
        #expect(session.sessionID?.count == ClientSession.maximumIDLength)
        #expect(session.agentID == nil)
    }

    private func passedOnError(retryAfter: Double?) -> SluiceError {
        let reply = UpstreamReply(
            status: 529,
            headers: [
                HeaderField(name: "x-should-retry", value: "true"),
                HeaderField(name: "anthropic-ratelimit-unified-status", value: "rejected"),
            ],
            body: Array(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.utf8))
        return SluiceError(.overloaded, "backend 'a' answered HTTP 529: Overloaded", retryAfter: retryAfter).passingOn(
            anthropicReply: reply)
    }

    @Test func anAnthropicClientGetsTheUpstreamsAnswerAsSent() {
        let response = APIProtocol.anthropic.response(for: passedOnError(retryAfter: 2.2))
        #expect(response.status.code == 529)
        #expect(response.headers[.shouldRetry] == "true")
        #expect(response.headers[HTTPField.Name("anthropic-ratelimit-unified-status")!] == "rejected")
        #expect(response.headers[.retryAfter] == "3")
        #expect(response.headers[.retryAfterMilliseconds] == "2200")
    }

    @Test func anOpenAIClientGetsSluicesOwnRendering() {
        let response = APIProtocol.openai.response(for: passedOnError(retryAfter: 0.4))
        #expect(response.status.code == 529)
        #expect(response.headers[HTTPField.Name("anthropic-ratelimit-unified-status")!] == nil)
        #expect(response.headers[.retryAfter] == "1")
    }
}
