internal import CLlama
internal import Logging
internal import SluiceCore

/// The embedding thread's work: each batch takes the next inputs of the waiting requests, oldest
/// request first, up to the context's tokens and sequences, so the inputs of one request and
/// those of concurrent requests share `llama_decode` calls. A request is answered once all its
/// inputs are done.
///
/// `@unchecked Sendable`: handed once to the thread it runs on, and touched by nothing else.
final class EmbeddingLoop: @unchecked Sendable {
    /// A request under way: its job and the vectors of its first inputs.
    private struct Pending {
        let job: EmbeddingJob
        var vectors: [[Float]] = []
    }

    private let context: LlamaEmbeddingContext
    private let inbox: ThreadInbox<EngineCommand<EmbeddingJob>>
    private let statistics: StatisticsBox
    private let logger: Logger
    private var queue: [Pending] = []

    init(context: LlamaEmbeddingContext, inbox: ThreadInbox<EngineCommand<EmbeddingJob>>, statistics: StatisticsBox, logger: Logger) {
        self.context = context
        self.inbox = inbox
        self.statistics = statistics
        self.logger = logger
    }

    /// Runs until the inbox stops, then fails what is left.
    func run() {
        while true {
            let (commands, stopped) = inbox.next(wait: queue.isEmpty)
            for command in commands { apply(command) }
            if stopped { break }
            statistics.update { $0.queueDepth = queue.count }
            if !queue.isEmpty { decodeBatch() }
        }
        for pending in queue { pending.job.finish(.failure(.engineStopped)) }
        queue.removeAll()
    }

    private func apply(_ command: EngineCommand<EmbeddingJob>) {
        switch command {
        case .submit(let job):
            queue.append(Pending(job: job))
        case .cancel(let id):
            // A caller that left mid-request frees the batches its remaining inputs would take.
            guard let index = queue.firstIndex(where: { $0.job.id == id }) else { return }
            queue.remove(at: index).job.finish(.failure(.cancelled))
        }
    }

    private func decodeBatch() {
        // (queue index, tokens) of each input in the batch. Every input fits an empty batch, so
        // the first always goes in and the queue moves.
        var batch: [(request: Int, tokens: [llama_token])] = []
        var tokenCount = 0
        fill: for index in queue.indices {
            let job = queue[index].job
            for input in job.inputs[queue[index].vectors.count...] {
                guard batch.count < context.sequenceCount, tokenCount + input.count <= context.batchCapacity else { break fill }
                batch.append((index, input))
                tokenCount += input.count
            }
        }
        let started = ContinuousClock.now
        let vectors: [[Float]]
        do throws(LlamaError) {
            vectors = try context.embed(batch.map(\.tokens))
        } catch {
            // The requests with inputs in this batch fail; the others go on.
            logger.error("embedding batch failed", metadata: ["error": "\(error.description)"])
            let failed = Set(batch.map(\.request))
            for index in failed { queue[index].job.finish(.failure(error)) }
            queue = queue.indices.filter { !failed.contains($0) }.map { queue[$0] }
            return
        }
        for (entry, vector) in zip(batch, vectors) { queue[entry.request].vectors.append(vector) }
        let done = queue.filter { $0.vectors.count == $0.job.inputs.count }
        queue.removeAll { $0.vectors.count == $0.job.inputs.count }
        let seconds = started.duration(to: .now).timeInterval
        // Counted before the answers go out, so a caller that has its vectors sees its batch counted.
        statistics.update { statistics in
            statistics.decodeCalls += 1
            statistics.promptTokensEvaluated += tokenCount
            statistics.promptSeconds += seconds
            statistics.requestsFinished += done.count
            statistics.queueDepth = queue.count
        }
        for pending in done { pending.job.finish(.success(pending.vectors)) }
    }
}
