internal import Synchronization

/// What the engine tells one request, in order.
enum JobOutput: Sendable {
    /// The request got a sequence; `cachedTokens` of its prompt were already in the KV cache.
    case admitted(cachedTokens: Int)
    /// Generated text (never part of a stop sequence, never a split character).
    case text(String)
    case finished(JobCompletion)
    case failed(LlamaError)
}

/// How and why generation ended.
struct JobCompletion: Sendable, Hashable {
    enum Reason: Sendable, Hashable {
        case endOfTurn
        case maxTokens
        case stopSequence(String)
        /// The sequence reached the end of the context (or the shared cache filled up).
        case contextFull
        case cancelled
    }

    let reason: Reason
    let generatedTokens: Int
}

/// Hands a request's outputs from the engine thread to the task streaming its response.
///
/// The engine never waits on it; the consumer takes everything posted since its last take in one
/// go, so a slow client costs one parse per pull rather than one per token.
final class JobMailbox: Sendable {
    private struct State {
        var items: [JobOutput] = []
        var waiter: CheckedContinuation<[JobOutput], Never>?
        var consumerCancelled = false
    }

    private let state = Mutex(State())

    /// Called by the engine thread.
    func post(_ output: JobOutput) {
        let delivery: (CheckedContinuation<[JobOutput], Never>, [JobOutput])? = state.withLock { state in
            state.items.append(output)
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            defer { state.items.removeAll() }
            return (waiter, state.items)
        }
        if let (waiter, items) = delivery { waiter.resume(returning: items) }
    }

    /// Everything posted since the last call, waiting for at least one output; empty when the
    /// calling task was cancelled.
    func take() async -> [JobOutput] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: [JobOutput]? = state.withLock { state in
                    if !state.items.isEmpty {
                        defer { state.items.removeAll() }
                        return state.items
                    }
                    if state.consumerCancelled { return [] }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.consumerCancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: [])
        }
    }
}
