import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct ClientSessionCacheKeyTests {
    @Test func theClientSessionIsNotPartOfTheCacheKey() {
        let request = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("What is the capital of France?")])
        var inSession = request
        inSession.clientSession = ClientSession(sessionID: "s-1", agentID: "a-1", parentAgentID: "a-0")
        var otherSession = request
        otherSession.clientSession = ClientSession(sessionID: "s-2")
        let key = CacheKey.make(for: request, scope: "shared")
        #expect(CacheKey.make(for: inSession, scope: "shared") == key)
        #expect(CacheKey.make(for: otherSession, scope: "shared") == key)
    }
}
