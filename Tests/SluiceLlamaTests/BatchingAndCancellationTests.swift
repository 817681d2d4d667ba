import SluiceCore
import SluiceLlama
import Testing

/// Continuous batching, queueing beyond the sequences, a full KV cache, and clients that leave.
@Suite(.serialized)
struct BatchingAndCancellationTests {
    @Test func concurrentRequestsShareDecodeCalls() async throws {
        let backend = try TinyModels.freshBackend(parallel: 4)
        let before = backend.statistics
        // All four are submitted before any is read: they run side by side.
        var streams: [EventStream] = []
        for index in 0..<4 { streams.append(try await backend.start(tinyRequest("request number \(index)", maxTokens: 256))) }
        let responses = try await withThrowingTaskGroup(of: ChatResponse.self) { group in
            for stream in streams { group.addTask { try response(try await collect(stream)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.map(\.usage.outputTokens) == [256, 256, 256, 256])
        let calls = backend.statistics.decodeCalls - before.decodeCalls
        // One after another, four answers of 256 tokens take over 4 × 256 decodes; batched, little more than 256.
        #expect(calls < 2 * 256, "\(calls) decode calls for 4 × 256 tokens")
    }

    @Test func requestsBeyondTheSequencesQueueAndAllComplete() async throws {
        let backend = try TinyModels.freshBackend(parallel: 2)
        let outputs = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 {
                group.addTask { try await complete(backend, tinyRequest("queued \(index)", maxTokens: 20)).usage.outputTokens }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs == Array(repeating: 20, count: 6))
        #expect(backend.statistics.queueDepth == 0)
        #expect(backend.statistics.busySequences == 0)
    }

    @Test func aFullCacheEndsAnswersInsteadOfFailingThem() async throws {
        // 256 cells for four requests that want about 4 × (40 + 120).
        let backend = try TinyModels.freshBackend(context: 256, parallel: 4, batch: 64)
        let responses = try await withThrowingTaskGroup(of: ChatResponse.self) { group in
            for index in 0..<4 {
                let prompt = "a prompt of some forty tokens or so, number \(index)"
                group.addTask { try await complete(backend, tinyRequest(prompt, maxTokens: 120)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.count == 4)
        for response in responses {
            #expect(response.stopReason == .maxTokens)
            #expect(response.usage.outputTokens >= 1)
        }
    }

    @Test func droppingTheStreamFreesItsSequenceAtOnce() async throws {
        let backend = try TinyModels.freshBackend(context: 8192, parallel: 1)
        do {
            let stream = try await backend.start(tinyRequest("go on for a long time", maxTokens: 8000))
            var iterator = stream.makeAsyncIterator()
            for _ in 0..<3 { _ = try await iterator.next() }
        }
        #expect(try await eventually { backend.statistics.busySequences == 0 })
        let generated = backend.statistics.generatedTokens
        #expect(generated < 1000, "the abandoned request went on to \(generated) tokens")
        // The only sequence serves the next request.
        let next = try await complete(backend, tinyRequest("next", maxTokens: 5))
        #expect(next.usage.outputTokens == 5)
    }

    @Test func cancellingTheConsumingTaskFreesItsSequence() async throws {
        let backend = try TinyModels.freshBackend(context: 8192, parallel: 1)
        let stream = try await backend.start(tinyRequest("go on for a long time", maxTokens: 8000))
        let consumer = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        #expect(try await eventually { backend.statistics.generatedTokens > 10 })
        consumer.cancel()
        _ = await consumer.result
        #expect(try await eventually { backend.statistics.busySequences == 0 })
        #expect(backend.statistics.generatedTokens < 2000)
    }
}
