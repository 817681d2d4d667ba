import Foundation
import SluiceCore
@testable import SluiceLlama
import Testing

/// Sampling parameters and stop sequences, on fresh engines so runs start from the same state.
@Suite(.serialized)
struct SamplingTests {
    @Test func greedyDecodingRepeatsItself() async throws {
        let first = try await complete(try TinyModels.freshBackend(), tinyRequest("repeat after me", maxTokens: 32))
        let second = try await complete(try TinyModels.freshBackend(), tinyRequest("repeat after me", maxTokens: 32))
        #expect(text(of: first) == text(of: second))
    }

    @Test func aSeedMakesSamplingRepeatable() async throws {
        func sample(seed: Int) async throws -> String {
            text(of: try await complete(try TinyModels.freshBackend(), tinyRequest("dice", maxTokens: 32, temperature: 1.5, seed: seed)))
        }
        let a = try await sample(seed: 42)
        #expect(try await sample(seed: 42) == a)
        let others = [try await sample(seed: 7), try await sample(seed: 8)]
        #expect(others.contains { $0 != a }, "different seeds gave the same text")
    }

    @Test func aStopSequenceAcrossTokensEndsTheAnswerAndIsNotSent() async throws {
        let request = tinyRequest("say something", maxTokens: 48)
        let free = text(of: try await complete(try TinyModels.freshBackend(), request))
        let characters = Array(free)
        try #require(characters.count >= 20, "the greedy answer is too short: \(free.debugDescription)")
        // Six characters: more than one token in the tiny vocabulary.
        let stop = String(characters[10..<16])
        var stopped = request
        stopped.stopSequences = [stop]
        let answer = try await complete(try TinyModels.freshBackend(), stopped)
        let expected = String(free[..<free.range(of: stop)!.lowerBound])
        #expect(text(of: answer) == expected)
        #expect(answer.stopReason == .stopSequence)
        #expect(answer.stopSequence == stop)
    }

    @Test func samplingFieldsReachTheSampler() {
        var request = tinyRequest("x", temperature: 0.5, seed: -1)
        request.topK = 7
        request.topP = 0.9
        request.frequencyPenalty = 0.25
        request.presencePenalty = 0.5
        request.minP = 0.1
        request.repetitionPenalty = 1.1
        let json = SamplingParameters(request).json
        #expect(json["temperature"] == .double(0.5))
        #expect(json["top_k"] == .integer(7))
        #expect(json["top_p"] == .double(0.9))
        #expect(json["min_p"] == .double(0.1))
        #expect(json["repeat_penalty"] == .double(1.1))
        #expect(json["frequency_penalty"] == .double(0.25))
        #expect(json["presence_penalty"] == .double(0.5))
        // -1 would be llama.cpp's "random seed" (0xFFFFFFFF); a client's seed always seeds.
        #expect(json["seed"] == .integer(0xFFFF_FFFE))
    }
}
