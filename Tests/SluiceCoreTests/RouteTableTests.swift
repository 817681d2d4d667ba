import SluiceCore
import Testing

@Suite struct RouteTableTests {
    private let table = RouteTable(routes: [
        .init(match: ModelGlob("claude-*"), backends: ["anthropic"]),
        .init(match: ModelGlob("claude-3*"), backends: ["legacy"]),
        .init(match: ModelGlob("glm-5.2[1m]"), backends: ["vllm"], upstreamModel: "glm-5.2"),
        .init(match: ModelGlob("*"), backends: ["vllm", "openai"], upstreamModel: "qwen3-coder"),
    ])

    @Test func firstMatchingRouteWins() throws {
        let route = try #require(table.route(for: "claude-3-5-haiku-latest"))
        #expect(route.backends == ["anthropic"])
        #expect(route.upstreamModel == nil)
    }

    @Test func catchAllRewritesTheModel() throws {
        let route = try #require(table.route(for: "gpt-4o"))
        #expect(route.match.pattern == "*")
        #expect(route.backends == ["vllm", "openai"])
        #expect(route.upstreamModel == "qwen3-coder")
    }

    @Test func literalRouteWithBrackets() throws {
        let route = try #require(table.route(for: "glm-5.2[1m]"))
        #expect(route.backends == ["vllm"])
        #expect(route.upstreamModel == "glm-5.2")
    }

    @Test func noMatchingRouteGivesNil() {
        let narrow = RouteTable(routes: [.init(match: ModelGlob("claude-*"), backends: ["anthropic"])])
        #expect(narrow.route(for: "gpt-4o") == nil)
        #expect(RouteTable(routes: []).route(for: "anything") == nil)
    }

    @Test func advertisedModelsAreLiteralsAndRewriteTargets() {
        let table = RouteTable(routes: [
            .init(match: ModelGlob("glm-5.2[1m]"), backends: ["vllm"], upstreamModel: "glm-5.2"),
            .init(match: ModelGlob("claude-*"), backends: ["anthropic"]),
            .init(match: ModelGlob("gpt-*"), backends: ["openai"], upstreamModel: "gpt-4o"),
            .init(match: ModelGlob("gpt-4o"), backends: ["openai"]),
            .init(match: ModelGlob("*"), backends: ["vllm"], upstreamModel: "qwen3-coder"),
        ])
        #expect(table.advertisedModels.map(\.id) == ["glm-5.2[1m]", "gpt-4o", "qwen3-coder"])
        #expect(table.advertisedModels.allSatisfy { $0.displayName == $0.id })
    }

    @Test func anAdvertisedIdIsListedInsteadOfTheMatchWithItsDisplayName() {
        let table = RouteTable(routes: [
            .init(match: ModelGlob("qwen3-coder"), backends: ["vllm"], advertisedAs: "claude-local-qwen", displayName: "Qwen 3 (local)"),
            .init(match: ModelGlob("*"), backends: ["anthropic"], upstreamModel: "claude-sonnet-4-5"),
        ])
        #expect(
            table.advertisedModels == [
                ModelListing(id: "claude-local-qwen", displayName: "Qwen 3 (local)"),
                ModelListing(id: "claude-sonnet-4-5", displayName: "claude-sonnet-4-5"),
            ])
    }

    @Test func anAdvertisedIdRoutesBeforeAnEarlierGlobAndGoesUpstreamAsTheLiteralMatch() throws {
        let table = RouteTable(routes: [
            .init(match: ModelGlob("claude-*"), backends: ["anthropic"]),
            .init(match: ModelGlob("qwen3-coder"), backends: ["vllm"], advertisedAs: "claude-local-qwen"),
        ])
        let route = try #require(table.route(for: "claude-local-qwen"))
        #expect(route.backends == ["vllm"])
        #expect(route.upstreamModel(for: "claude-local-qwen") == "qwen3-coder")
        #expect(route.upstreamModel(for: "qwen3-coder") == nil)
        #expect(table.route(for: "claude-opus-4-5")?.backends == ["anthropic"])
    }
}
