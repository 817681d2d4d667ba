import SluiceConfig
import Testing

/// Routes that `/v1/models` lists under an id of their own, for Claude Code's model discovery.
@Suite struct RouteAdvertisingTests {
    private func parse(routes: String) throws -> SluiceConfiguration {
        try ConfigurationLoader.parse(
            yaml: """
                backends:
                  - {name: local, type: openai, url: http://127.0.0.1:9000/v1}
                routes:
                \(routes)
                """)
    }

    private func failure(routes: String) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) { try parse(routes: routes) }
    }

    @Test func advertiseAndDisplayNameAreRead() throws {
        let configuration = try parse(
            routes: """
                  - match: qwen3-coder
                    backend: local
                    advertise: claude-local-qwen
                    display_name: "Qwen 3 (local)"
                """)
        #expect(
            configuration.routes == [
                RouteConfiguration(
                    match: "qwen3-coder", backends: ["local"], advertise: "claude-local-qwen", displayName: "Qwen 3 (local)")
            ])
    }

    @Test func aWildcardRouteMayAdvertiseWhenItRewritesTheModel() throws {
        let configuration = try parse(routes: "  - {match: \"*\", backend: local, model: qwen3, advertise: claude-qwen}\n")
        #expect(configuration.routes.first?.advertise == "claude-qwen")
    }

    @Test func aWildcardRouteThatKeepsTheModelCannotAdvertise() throws {
        let error = try failure(routes: "  - {match: \"qwen*\", backend: local, advertise: claude-qwen}\n")
        #expect(error.message.contains("needs a literal match or a model"))
        #expect(error.line == 4)
    }

    @Test func anIdAdvertisedTwiceIsAnError() throws {
        let error = try failure(
            routes: """
                  - {match: a, backend: local, advertise: claude-x}
                  - {match: b, backend: local, advertise: claude-x}
                """)
        #expect(error.message == "two routes advertise 'claude-x'")
        #expect(error.line == 5)
    }

    @Test func aDisplayNameNeedsAListedRoute() throws {
        let error = try failure(routes: "  - {match: \"qwen*\", backend: local, display_name: Qwen}\n")
        #expect(error.message.contains("takes no display_name"))
        #expect(try parse(routes: "  - {match: qwen3, backend: local, display_name: Qwen}\n").routes.first?.displayName == "Qwen")
    }
}
