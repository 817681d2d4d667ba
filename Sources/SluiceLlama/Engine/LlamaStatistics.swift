internal import Synchronization

/// The engine's counters, for `/metrics` and tests: how much prompt was evaluated versus reused
/// from the KV cache, how fast tokens are generated, and how busy the engine is.
public struct LlamaStatistics: Sendable, Hashable {
    /// Prompt tokens run through the model.
    public var promptTokensEvaluated = 0
    /// Prompt tokens found in the KV cache and not evaluated again.
    public var promptTokensReused = 0
    public var generatedTokens = 0
    /// Wall time of decode steps that generated tokens.
    public var generationSeconds = 0.0
    /// Wall time of decode steps spent on prompts alone.
    public var promptSeconds = 0.0
    /// Requests waiting for a free sequence.
    public var queueDepth = 0
    /// Sequences working on a request.
    public var busySequences = 0
    public var sequences = 0
    public var requestsFinished = 0
    /// Conversations whose caches wait in host memory, and their size.
    public var cachedPrompts = 0
    public var cachedPromptBytes = 0
    /// `llama_decode` calls that succeeded: several requests share each one.
    public var decodeCalls = 0

    /// Generated tokens per second of generating steps (all streams together).
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(generatedTokens) / generationSeconds : 0
    }
}

/// The shared, locked copy of the statistics: written by the engine thread, read by anyone.
final class StatisticsBox: Sendable {
    private let value: Mutex<LlamaStatistics>

    init(sequences: Int) {
        var statistics = LlamaStatistics()
        statistics.sequences = sequences
        value = Mutex(statistics)
    }

    var snapshot: LlamaStatistics { value.withLock { $0 } }

    @discardableResult
    func update<Result>(_ body: (inout LlamaStatistics) -> Result) -> Result {
        value.withLock { body(&$0) }
    }
}
