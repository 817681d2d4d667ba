internal import CLlama
internal import Foundation
internal import Logging
internal import Synchronization

/// The embedded engine for an embedding model: the model, a pooling context of its own and the
/// one thread that decodes every batch. Separate from ``LlamaEngine``: an embedding model does not
/// generate, and its batches share nothing with a chat model's KV cache.
///
/// The thread starts with the first request and stops when the embedder is released.
final class LlamaEmbedder: Sendable {
    let model: LlamaModel
    /// The most tokens one input may have.
    let maxInputTokens: Int
    let dimensions: Int
    let vocabularySize: Int
    private let inbox = ThreadInbox<EngineCommand<EmbeddingJob>>()
    private let nextJobID = Atomic<UInt64>(1)
    private let statistics: StatisticsBox
    /// The loop, until the first request starts its thread.
    private let pendingLoop: Mutex<EmbeddingLoop?>

    /// - Parameters:
    ///   - contextLength: the longest input, and the most tokens a batch takes; `nil` takes the
    ///     model's training length, capped at 2048 (a batch's attention grows with its square).
    ///   - sequences: the most inputs a batch takes.
    init(
        modelPath: String, contextLength: Int?, sequences: Int, threads: Int?, devices: LlamaDeviceSettings, logger: Logger,
        progress: (@Sendable (Double) -> Void)? = nil
    ) throws(LlamaError) {
        let placement = try LlamaDevices.modelParameters(devices, gpuCount: LlamaDevices.gpus().count)
        let model = try LlamaModel(path: modelPath, devices: placement, progress: progress)
        let context = try LlamaEmbeddingContext(
            model: model, contextLength: max(contextLength ?? min(model.trainedContextLength, 2048), 16),
            sequences: max(1, min(sequences, 256)), threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.model = model
        self.maxInputTokens = context.batchCapacity
        self.dimensions = context.dimensions
        self.vocabularySize = context.vocabularySize
        self.statistics = StatisticsBox(sequences: context.sequenceCount)
        self.pendingLoop = Mutex(EmbeddingLoop(context: context, inbox: inbox, statistics: statistics, logger: logger))
    }

    deinit {
        inbox.stop()
    }

    var snapshot: LlamaStatistics { statistics.snapshot }

    /// One unit-length vector per input; each input within ``maxInputTokens`` and the vocabulary.
    /// Cancelling the calling task drops the inputs not yet decoded and throws ``LlamaError/cancelled``.
    func embed(_ inputs: [[llama_token]]) async throws(LlamaError) -> [[Float]] {
        startThreadIfNeeded()
        let inbox = inbox
        let id = nextJobID.add(1, ordering: .relaxed).oldValue
        return try await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                inbox.post(.submit(EmbeddingJob(id: id, inputs: inputs, finish: { continuation.resume(returning: $0) })))
                // A task cancelled before this point ran `onCancel` first, whose command found no job.
                if Task.isCancelled { inbox.post(.cancel(id)) }
            }
        } onCancel: {
            inbox.post(.cancel(id))
        }.get()
    }

    private func startThreadIfNeeded() {
        guard
            let loop = pendingLoop.withLock({ loop in
                defer { loop = nil }; return loop
            })
        else { return }
        let thread = Thread { loop.run() }
        thread.name = "sluice-llama-embed"
        thread.stackSize = 16 << 20
        thread.start()
    }
}
