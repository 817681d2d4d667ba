import Foundation
import Logging
import SluiceCore
import SluiceLlama
import Testing

/// The embedding engine on a random-weight, mean-pooling model of 64 dimensions: vector shape and
/// norm, determinism, batches that change nothing, and the client errors.
@Suite(.serialized)
struct LlamaEmbeddingTests {
    private static func backend(parallel: Int = 8) throws -> LlamaEmbeddingBackend {
        try LlamaEmbeddingBackend(
            name: "embed", configuration: .init(modelPath: try TinyModels.embeddingModelPath(), parallel: parallel, threads: 2),
            logger: Logger(label: "test"))
    }

    private static func request(_ inputs: [EmbeddingRequest.Input]) -> EmbeddingRequest {
        EmbeddingRequest(model: "tiny-embed", inputs: inputs)
    }

    private static func norm(_ vector: [Float]) -> Double {
        vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    private static func distance(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test func vectorsHaveTheModelsWidthAndUnitLength() async throws {
        let backend = try Self.backend()
        let result = try await backend.embed(Self.request([.text("Hello there"), .text("a")]))
        #expect(backend.dimensions == 64)
        #expect(result.vectors.count == 2)
        for vector in result.vectors {
            #expect(vector.count == 64)
            #expect(abs(Self.norm(vector) - 1) < 1e-5)
        }
        #expect(Self.distance(result.vectors[0], result.vectors[1]) > 0.01)
        #expect(result.model == "tiny-embed")
    }

    @Test func sameInputGivesTheSameVector() async throws {
        let backend = try Self.backend()
        let first = try await backend.embed(Self.request([.text("the same words")]))
        let second = try await backend.embed(Self.request([.text("the same words")]))
        #expect(first.vectors == second.vectors)
    }

    @Test func tokenInputsEmbedLikeTheirTextAndCountExactly() async throws {
        let backend = try Self.backend()
        // No piece of the tiny vocabulary joins punctuation, and it adds no BOS: one token a character.
        let text = try await backend.embed(Self.request([.text("#%&")]))
        #expect(text.inputTokens == 3)
        // Their IDs: <unk>, 4 ChatML control tokens, 4 user-defined tags, 256 bytes, "▁", then printable ASCII.
        let ids = "#%&".map {
            1 + 4 + 4 + 256 + 1 + Self.printable.distance(from: Self.printable.startIndex, to: Self.printable.firstIndex(of: $0)!)
        }
        let tokens = try await backend.embed(Self.request([.tokens(ids)]))
        #expect(tokens.inputTokens == 3)
        #expect(Self.distance(text.vectors[0], tokens.vectors[0]) < 1e-5)
    }

    /// `string.printable` without whitespace, as make_tiny_gguf.py orders it.
    private static let printable = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

    @Test func aBatchOfInputsGivesWhatEachGivesAlone() async throws {
        let backend = try Self.backend(parallel: 8)
        let texts = ["first input", "a second, longer input text", "3", "fourth", "the fifth one", "six", "seven!", "eight"]
        let before = backend.statistics.decodeCalls
        let together = try await backend.embed(Self.request(texts.map { .text($0) }))
        #expect(backend.statistics.decodeCalls - before == 1, "eight inputs fit one batch of eight sequences")
        for (index, text) in texts.enumerated() {
            let alone = try await backend.embed(Self.request([.text(text)]))
            #expect(Self.distance(together.vectors[index], alone.vectors[0]) < 1e-4, "input \(index)")
        }
    }

    @Test func concurrentRequestsShareBatches() async throws {
        let backend = try Self.backend(parallel: 64)
        let texts = (0..<24).map { "request number \($0)" }
        let alone = try await backend.embed(Self.request(texts.map { .text($0) }))
        let before = backend.statistics.decodeCalls
        let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, try await backend.embed(Self.request([.text(text)])).vectors[0]) }
            }
            return try await group.reduce(into: [Int: [Float]]()) { $0[$1.0] = $1.1 }
        }
        for index in texts.indices { #expect(Self.distance(results[index]!, alone.vectors[index]) < 1e-4) }
        #expect(backend.statistics.decodeCalls - before < texts.count, "24 concurrent requests took a decode each")
    }

    @Test func requestLargerThanABatchIsSplitAcrossBatches() async throws {
        let backend = try Self.backend(parallel: 2)
        let texts = ["one", "two", "three", "four", "five"]
        let before = backend.statistics.decodeCalls
        let result = try await backend.embed(Self.request(texts.map { .text($0) }))
        #expect(result.vectors.count == 5)
        #expect(backend.statistics.decodeCalls - before == 3)
        let alone = try await backend.embed(Self.request([.text("five")]))
        #expect(Self.distance(result.vectors[4], alone.vectors[0]) < 1e-4)
    }

    @Test func aCallerThatLeavesStopsItsRemainingBatches() async throws {
        // One input a batch, 4,000 of them: far longer than the test waits before leaving.
        let backend = try Self.backend(parallel: 1)
        let inputs = (0..<4000).map { EmbeddingRequest.Input.text("input number \($0) with a few more words") }
        let task = Task { try await backend.embed(Self.request(inputs)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        switch await task.result {
        case .success: Issue.record("all 4,000 inputs were embedded for a caller that had left")
        case .failure(let error): #expect(error is CancellationError)
        }
        let afterCancel = backend.statistics.decodeCalls
        #expect(afterCancel < 4000)
        // The thread is free for the next caller at once, and did no more of the first one's work.
        let next = try await backend.embed(Self.request([.text("next")]))
        #expect(next.vectors.count == 1)
        #expect(backend.statistics.decodeCalls == afterCancel + 1)
    }

    @Test func inputLongerThanTheContextIsA400() async throws {
        let backend = try Self.backend()
        await #expect {
            _ = try await backend.embed(Self.request([.text("ok"), .tokens(Array(repeating: 300, count: 600))]))
        } throws: { error in
            let error = error as? SluiceError
            return error?.httpStatus == 400 && error?.code == "context_length_exceeded"
                && error?.message == "input[1] is too long: 600 tokens > 512 maximum"
        }
    }

    @Test func tokenOutsideTheVocabularyIsA400() async throws {
        let backend = try Self.backend()
        await #expect {
            _ = try await backend.embed(Self.request([.tokens([1, 1_000_000])]))
        } throws: { error in
            (error as? SluiceError)?.httpStatus == 400 && (error as? SluiceError)?.param == "input"
        }
    }

    @Test func otherDimensionsAreRefusedAndTheModelsOwnAccepted() async throws {
        let backend = try Self.backend()
        var request = Self.request([.text("x")])
        request.dimensions = 32
        await #expect {
            _ = try await backend.embed(request)
        } throws: { error in
            (error as? SluiceError)?.httpStatus == 400 && (error as? SluiceError)?.param == "dimensions"
        }
        request.dimensions = 64
        #expect(try await backend.embed(request).vectors[0].count == 64)
    }

    @Test func chatIsRefusedWithA400() async throws {
        let backend = try Self.backend()
        await #expect {
            _ = try await backend.start(ChatRequest(model: "tiny-embed", messages: [.user("hi")]))
        } throws: { error in
            (error as? SluiceError)?.httpStatus == 400
        }
    }

    @Test func aChatModelWithoutPoolingIsRefusedAtLoad() throws {
        #expect {
            _ = try LlamaEmbeddingBackend(
                name: "embed", configuration: .init(modelPath: try TinyModels.path(.chat)), logger: Logger(label: "test"))
        } throws: { error in
            "\(error)".contains("pooling type 0")
        }
    }
}
