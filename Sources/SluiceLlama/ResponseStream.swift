internal import SluiceCore

/// One response's canonical events, made from its job's outputs when the client asks for the
/// next event: text is parsed into reasoning, text and tool calls here, on the client's task, so
/// the decode thread never waits on parsing or on a slow client.
///
/// Dropping the stream (or cancelling its task) cancels the job, which frees its sequence at the
/// engine's next step. A class for that: its `deinit` is where a dropped stream is noticed.
final class ResponseStream: EventBatchProducer {
    private let engine: LlamaEngine
    private let jobID: GenerationJob.ID
    private let mailbox: JobMailbox
    private var parser: ChatOutputParser?
    private var builder = ResponseEventBuilder()
    private let messageID: String
    private let model: String
    private let promptTokens: Int
    private var cachedTokens = 0
    private var pending: [StreamEvent] = []
    private var started = false
    /// The job reported its end (or failure): nothing is left to cancel.
    private var jobEnded = false

    private init(engine: LlamaEngine, job: GenerationJob, parser: ChatOutputParser?, model: String) {
        self.engine = engine
        self.jobID = job.id
        self.mailbox = job.mailbox
        self.parser = parser
        self.messageID = Identifiers.messageID()
        self.model = model
        self.promptTokens = job.promptTokens.count
    }

    deinit {
        if !jobEnded { engine.cancel(jobID) }
    }

    static func make(engine: LlamaEngine, job: GenerationJob, parser: ChatOutputParser?, model: String) -> EventStream {
        .pulling(ResponseStream(engine: engine, job: job, parser: parser, model: model))
    }

    func nextBatch() async throws -> [StreamEvent]? {
        if jobEnded { return nil }
        let outputs = await mailbox.take()
        guard !outputs.isEmpty else {
            jobEnded = true
            engine.cancel(jobID)
            throw CancellationError()
        }
        pending.removeAll(keepingCapacity: true)
        try handle(outputs)
        return pending
    }

    private func handle(_ outputs: [JobOutput]) throws {
        var text = ""
        for output in outputs {
            switch output {
            case .admitted(let cached):
                guard !started else { continue }
                started = true
                cachedTokens = cached
                pending.append(.messageStart(id: messageID, model: model, usage: usage(outputTokens: 0)))
            case .text(let piece):
                text += piece
            case .finished(let completion):
                appendText(text)
                text = ""
                finish(completion)
            case .failed(let error):
                jobEnded = true
                throw error.sluiceError
            }
        }
        appendText(text)
    }

    private func appendText(_ text: String) {
        guard !text.isEmpty else { return }
        var deltas = [OutputDelta.content(text)]
        if let parser {
            do {
                deltas = try parser.feed(text, isFinal: false)
            } catch {
                // Output the parser cannot follow is still the answer: pass it on as text.
                self.parser = nil
            }
        }
        for delta in deltas { pending += builder.events(for: delta) }
    }

    private func finish(_ completion: JobCompletion) {
        jobEnded = true
        if let parser, let deltas = try? parser.feed("", isFinal: true) {
            for delta in deltas { pending += builder.events(for: delta) }
        }
        pending += builder.finish()
        var stopSequence: String?
        let stopReason: StopReason
        switch completion.reason {
        case .endOfTurn, .cancelled: stopReason = .endTurn
        case .maxTokens, .contextFull: stopReason = .maxTokens
        case .stopSequence(let sequence):
            stopReason = .stopSequence
            stopSequence = sequence
        }
        // A tool call that ended the turn makes it a `tool_use` stop; one cut short by max_tokens does not.
        pending.append(
            .messageEnd(
                stopReason: builder.toolCalls > 0 && stopReason == .endTurn ? .toolUse : stopReason, stopSequence: stopSequence,
                usage: usage(outputTokens: completion.generatedTokens)))
    }

    /// Input tokens the cache did not hold, those it did, and the answer's tokens.
    private func usage(outputTokens: Int) -> Usage {
        Usage(inputTokens: promptTokens - cachedTokens, outputTokens: outputTokens, cacheReadInputTokens: cachedTokens)
    }
}
