public import SluiceCore
internal import Synchronization

/// A backend that fails its first `failures` starts with `error`, then answers with `answer` (by
/// default a bare `messageStart`; with `hangs`, never finishing); it records what it was asked and whether the answer
/// was abandoned by its consumer.
public final class ScriptedBackend: Backend {
    private struct State {
        var failuresLeft: Int
        var startedModels: [String] = []
        var countedModels: [String] = []
        var abandonedAnswers = 0
    }

    public let name: String
    private let error: any Error
    private let tokens: Int
    private let answer: [StreamEvent]?
    private let hangs: Bool
    public let runsOpenAIBuiltInTools: Bool
    private let state: Mutex<State>

    public init(
        _ name: String, failures: Int = 0, with error: any Error = SluiceError.upstreamFailed("HTTP 502"), tokens: Int = 0,
        answer: [StreamEvent]? = nil, hangs: Bool = false, runsOpenAIBuiltInTools: Bool = false
    ) {
        self.runsOpenAIBuiltInTools = runsOpenAIBuiltInTools
        self.name = name
        self.error = error
        self.tokens = tokens
        self.answer = answer
        self.hangs = hangs
        self.state = Mutex(State(failuresLeft: failures))
    }

    /// The model of every start, failed or not.
    public var startedModels: [String] { state.withLock { $0.startedModels } }
    public var countedModels: [String] { state.withLock { $0.countedModels } }
    /// Answers whose consumer went away before their end.
    public var abandonedAnswers: Int { state.withLock { $0.abandonedAnswers } }

    public func start(_ request: ChatRequest) async throws -> EventStream {
        let fails = state.withLock { state in
            state.startedModels.append(request.model)
            guard state.failuresLeft > 0 else { return false }
            state.failuresLeft -= 1
            return true
        }
        if fails { throw error }
        let (stream, continuation) = EventStream.makeStream()
        for event in answer ?? [.messageStart(id: "msg_\(name)", model: request.model, usage: Usage())] {
            continuation.yield(event)
        }
        if !hangs { continuation.finish() }
        continuation.onTermination = { [self] termination in
            if case .cancelled = termination { self.state.withLock { $0.abandonedAnswers += 1 } }
        }
        return stream
    }

    public func countTokens(_ request: ChatRequest) async throws -> Int {
        state.withLock { $0.countedModels.append(request.model) }
        return tokens
    }
}

/// A complete short answer: `text` in one block, ending the turn.
public func scriptedAnswer(_ text: String, model: String = "scripted") -> [StreamEvent] {
    [
        .messageStart(id: "msg_scripted", model: model, usage: Usage(inputTokens: 3)),
        .blockStart(.text), .blockDelta(.text(text)), .blockStop,
        .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 3, outputTokens: 2)),
    ]
}
