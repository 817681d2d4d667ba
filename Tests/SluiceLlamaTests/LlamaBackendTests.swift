import Foundation
import Logging
import SluiceCore
import SluiceLlama
import Testing

/// The engine end to end on a random-weight model: streams, usage, limits, errors, cancellation.
@Suite(.serialized)
struct LlamaBackendTests {
    @Test func streamsWellFormedTextWithHonestUsage() async throws {
        let backend = try TinyModels.backend()
        let request = ChatRequest(model: "tiny", messages: [.user("Hello there")], maxTokens: 12, temperature: 0)
        let events = try await collect(backend.start(request))
        var accumulator = ResponseAccumulator()
        for event in events { try accumulator.consume(event) }
        let response = try accumulator.response()
        let count = try await backend.countTokens(request)
        #expect(response.usage.inputTokens + response.usage.cacheReadInputTokens == count)
        #expect(response.usage.outputTokens == 12)
        #expect(response.stopReason == .maxTokens)
        guard case .text(let text)? = response.content.first else {
            Issue.record("expected a text block, got \(response.content)")
            return
        }
        #expect(!text.text.isEmpty)
    }

    @Test func countTokensIsTheRenderedPromptsLength() async throws {
        let backend = try TinyModels.backend()
        let short = try await backend.countTokens(ChatRequest(model: "tiny", messages: [.user("a")]))
        let long = try await backend.countTokens(ChatRequest(model: "tiny", messages: [.user("abcdefghij")]))
        // The tiny vocabulary has a token per ASCII character: ten characters are nine tokens more than one.
        #expect(long - short == 9)
        // `<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\n`: 2 control tokens per tag pair and the text between.
        #expect(short > 5)
    }

    @Test func promptLongerThanTheContextIsRefusedWithClaudeCodesWording() async throws {
        let backend = try TinyModels.backend()
        let request = ChatRequest(model: "tiny", messages: [.user(String(repeating: "x", count: 3000))], maxTokens: 4)
        do {
            _ = try await backend.start(request)
            Issue.record("a 3000-token prompt was accepted by a 1024-token context")
        } catch let error as SluiceError {
            #expect(error.httpStatus == 400)
            #expect(error.message.hasPrefix("prompt is too long: "))
            #expect(error.message.hasSuffix(" tokens > 1023 maximum"))
        }
    }

    @Test func missingModelFileIsNamedInTheError() throws {
        #expect {
            _ = try LlamaBackend(name: "local", configuration: .init(modelPath: "/nonexistent/model.gguf"), logger: Logger(label: "test"))
        } throws: { error in
            "\(error)".contains("/nonexistent/model.gguf") && "\(error)".contains("does not exist")
        }
    }

    @Test func corruptModelFileIsNamedInTheError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID().uuidString).gguf").path
        try Data("GGUF but not really".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try LlamaBackend(name: "local", configuration: .init(modelPath: path), logger: Logger(label: "test"))
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("cannot load")
        }
    }
}
