/// One request's pass through the stages of its policy.
///
/// `prepare` runs the stages in policy order; the first that answers or refuses ends that phase.
/// `transform` runs each outgoing event through the stages in reverse order — only through the
/// stages before the one that answered, when one did — and ends the stream cleanly when a stage
/// says stop. `complete` tells every prepared stage how the request ended; call it exactly once.
///
/// `@unchecked Sendable`: a run belongs to one request, whose phases happen one after another:
/// `prepare`, then the transformed stream pulled by its single consumer, then `complete`. The
/// gateway pulls the stream in a child task and calls `complete` only once that task has ended
/// (a stream's writer and a plain request's deadline both wait for it), so a client leaving
/// cannot make `complete` overlap the processing of an event.
public final class PolicyRun: @unchecked Sendable {
    private var sessions: [(name: String, session: any PolicySession)]
    /// How many sessions take part in the response: all, or those before the stage that answered.
    private var respondingCount: Int
    private var stoppedBy: String?
    private var completed = false
    /// The request as it left the stages, for estimating the input of a stream cut off early.
    private var preparedRequest: ChatRequest?

    public init(stages: [any PolicyStage], context: PolicyContext) {
        sessions = stages.map { ($0.name, $0.makeSession(for: context)) }
        respondingCount = sessions.count
    }

    /// A run with no stages, for requests under no policy.
    public convenience init() {
        self.init(stages: [], context: PolicyContext(keyID: "", keyName: "", policyName: "", requestID: ""))
    }

    /// Runs the stages' request phases in policy order, each inside `watcher` when one is given.
    public func prepare(_ request: inout ChatRequest, watcher: (any PolicyStageWatcher)? = nil) async throws -> PolicyVerdict {
        for index in sessions.indices {
            let verdict =
                if let watcher {
                    try await watcher.watch(stage: sessions[index].name) { try await sessions[index].session.prepare(&request) }
                } else {
                    try await sessions[index].session.prepare(&request)
                }
            switch verdict {
            case .proceed: continue
            case .respond:
                respondingCount = index
                sessions.removeSubrange((index + 1)...)
                return verdict
            case .refuse:
                sessions.removeSubrange((index + 1)...)
                respondingCount = index
                return verdict
            }
        }
        preparedRequest = request
        return .proceed
    }

    /// The events as the client must see them.
    public func transform(_ events: EventStream) -> EventStream {
        guard respondingCount > 0 else { return events }
        return .pulling(Pump(run: self, base: events.makeAsyncIterator()))
    }

    /// Tells every stage how the request ended. `clientSawEnd` is whether the whole stream went out.
    public func complete(clientSawEnd: Bool, failure: SluiceError? = nil) async {
        guard !completed else { return }
        completed = true
        let outcome: PolicyOutcome =
            if let failure {
                .failed(failure)
            } else if let stoppedBy {
                .stopped(by: stoppedBy)
            } else {
                clientSawEnd ? .completed : .abandoned
            }
        for index in sessions.indices {
            await sessions[index].session.complete(outcome)
        }
    }

    /// Response headers from every stage that ran.
    public var responseHeaders: [(name: String, value: String)] {
        sessions.flatMap { $0.session.responseHeaders }
    }

    /// What the stages did, for the usage record.
    public var actions: [String] {
        sessions.flatMap { $0.session.actions }
    }

    /// The usage of a stream a stage stopped: the upstream was cancelled before it reported its
    /// own, so the output is estimated from the larger of what it produced and what the client
    /// received, and the input, when the message's start reported none, from the request.
    fileprivate func usageAtStop(reported: Usage, upstreamBytes: Int, clientBytes: Int) -> Usage {
        var usage = reported
        usage.outputTokens = max(usage.outputTokens, TokenEstimate.outputTokens(utf8Count: max(upstreamBytes, clientBytes)))
        if usage.totalInputTokens == 0, let preparedRequest {
            usage.inputTokens = TokenEstimate.inputTokens(of: preparedRequest)
        }
        return usage
    }

    /// Runs `event` through the responding stages, last to first, collecting what comes out.
    fileprivate func process(_ event: StreamEvent) throws -> (events: [StreamEvent], stop: StopReason?) {
        var events = [event]
        var stop: StopReason?
        for index in stride(from: respondingCount - 1, through: 0, by: -1) {
            var passed: [StreamEvent] = []
            for event in events {
                let output = try sessions[index].session.process(event)
                passed += output.events
                if let reason = output.stop, stop == nil {
                    stop = reason
                    stoppedBy = sessions[index].name
                }
            }
            events = passed
        }
        return (events, stop)
    }

    /// Pulls backend events through the stages, one backend event per batch.
    private struct Pump: EventBatchProducer {
        let run: PolicyRun
        var base: EventStream.AsyncIterator?
        var blockOpen = false
        var usage = Usage()
        /// Generated text from the backend, and passed on to the client, in UTF-8 bytes.
        var upstreamBytes = 0
        var clientBytes = 0

        mutating func nextBatch() async throws -> [StreamEvent]? {
            guard var iterator = base, let event = try await iterator.next() else { return nil }
            base = iterator
            upstreamBytes += TokenEstimate.generatedUTF8Count(of: event)
            let (events, stop) = try run.process(event)
            var batch = observe(events)
            if let stop {
                // Drop the backend's stream first: that cancels the upstream generation.
                base = nil
                if blockOpen { batch += observe(try run.process(.blockStop).events) }
                let usage = run.usageAtStop(reported: usage, upstreamBytes: upstreamBytes, clientBytes: clientBytes)
                batch += observe(try run.process(.messageEnd(stopReason: stop, stopSequence: nil, usage: usage)).events)
            }
            return batch
        }

        /// Keeps track of what the client is sent: the open block, the usage, the bytes.
        private mutating func observe(_ events: [StreamEvent]) -> [StreamEvent] {
            for event in events {
                clientBytes += TokenEstimate.generatedUTF8Count(of: event)
                switch event {
                case .messageStart(_, _, let startUsage): usage = startUsage
                case .blockStart: blockOpen = true
                case .blockStop: blockOpen = false
                case .messageEnd(_, _, let endUsage): usage = endUsage
                case .blockDelta: break
                }
            }
            return events
        }
    }
}
