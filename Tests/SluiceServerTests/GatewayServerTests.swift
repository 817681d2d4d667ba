import SluiceConfig
import SluiceCore
import SluiceCurl
import SluiceTestSupport
import Testing

/// The server's middleware, routes and connection handling over a real socket: error shapes per
/// protocol, the request deadline, and a client that leaves.
@Suite struct GatewayServerTests {
    private let anthropicBody = #"{"model":"quick","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
    private let openAIBody = #"{"model":"quick","messages":[{"role":"user","content":"hi"}]}"#

    @Test func anAnswerComesBackInTheCallersProtocol() async throws {
        try await RunningGateway.run(backends: [ScriptedBackend("quick", answer: scriptedAnswer("Hello."))]) { gateway in
            let anthropic = try await gateway.post("/v1/messages", body: anthropicBody, key: gateway.key)
            #expect(anthropic.status == 200)
            #expect(anthropic.json["content"]?.arrayValue?.first?["text"] == "Hello.")
            let openAI = try await gateway.post("/v1/chat/completions", body: openAIBody, key: gateway.key, anthropic: false)
            #expect(openAI.status == 200)
            #expect(openAI.json["choices"]?.arrayValue?.first?["message"]?["content"] == "Hello.")
        }
    }

    @Test func aMissingKeyIsRefusedInEachProtocolsShape() async throws {
        try await RunningGateway.run(backends: [ScriptedBackend("quick")]) { gateway in
            let anthropic = try await gateway.post("/v1/messages", body: anthropicBody)
            #expect(anthropic.status == 401)
            #expect(anthropic.json["type"] == "error")
            #expect(anthropic.json["error"]?["type"] == "authentication_error")
            let openAI = try await gateway.post("/v1/chat/completions", body: openAIBody, anthropic: false)
            #expect(openAI.status == 401)
            #expect(openAI.json["error"]?["code"] == "invalid_api_key")
        }
    }

    @Test func aMalformedRequestIsA400InTheRoutesShapeNamingTheField() async throws {
        try await RunningGateway.run(backends: [ScriptedBackend("quick")]) { gateway in
            let anthropic = try await gateway.post("/v1/messages", body: #"{"model":"quick","messages":[]}"#, key: gateway.key)
            #expect(anthropic.status == 400)
            #expect(anthropic.json["error"]?["type"] == "invalid_request_error")
            let openAI = try await gateway.post(
                "/v1/chat/completions", body: #"{"model":"quick","messages":[{"role":"user","content":"hi"}],"temperature":-1}"#,
                key: gateway.key, anthropic: false)
            #expect(openAI.status == 400)
            #expect(openAI.json["error"]?["param"] == "temperature")
        }
    }

    @Test func aBackendThatNeverFinishesIsCutAtTheRequestTimeout() async throws {
        let backend = ScriptedBackend("quick", hangs: true)
        try await RunningGateway.run(backends: [backend], requestTimeout: .milliseconds(500)) { gateway in
            let started = ContinuousClock.now
            let response = try await gateway.post("/v1/messages", body: anthropicBody, key: gateway.key)
            #expect(response.status == 504)
            #expect(response.json["type"] == "error")
            #expect(ContinuousClock.now - started < .seconds(10))  // cut at 500 ms; the margin is for a loaded machine
            #expect(backend.abandonedAnswers == 1)
        }
    }

    @Test func aClientThatLeavesAbandonsTheBackendsAnswer() async throws {
        let backend = ScriptedBackend("quick", hangs: true)
        try await RunningGateway.run(backends: [backend]) { gateway in
            let call = Task { try await gateway.post("/v1/messages", body: anthropicBody, key: gateway.key) }
            // Leave once the backend has the request (a busy machine may take a while to get there).
            let started = ContinuousClock.now + .seconds(10)
            while backend.startedModels.isEmpty, ContinuousClock.now < started {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!backend.startedModels.isEmpty, "the request never reached the backend")
            call.cancel()
            _ = try? await call.value
            // Generous: the whole suite runs in parallel on two cores.
            let deadline = ContinuousClock.now + .seconds(5)
            while backend.abandonedAnswers == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(backend.abandonedAnswers == 1, "the backend's answer outlived its client")
        }
    }
}
