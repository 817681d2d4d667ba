internal import CLlama

/// One of the context's sequences (a llama.cpp `seq_id`): the tokens its KV cache holds, kept
/// after a request ends so the next request sharing a prefix skips evaluating it, and the request
/// it serves now.
struct SequenceSlot {
    enum Phase {
        case idle
        /// Evaluating the prompt, a chunk per step.
        case prompt
        /// One token per step.
        case generating
    }

    let id: Int32
    /// The tokens in the KV cache for this sequence, at positions `0..<tokens.count`.
    var tokens: [llama_token] = []
    var job: GenerationJob?
    var phase = Phase.idle
    /// The token sampled last, decoded in the next step.
    var nextToken: llama_token?
    /// Where this sequence's logits are in the current step's batch.
    var logitsIndex: Int32?
    /// Prompt tokens this sequence put in the current step's batch.
    var chunk = 0
    /// The step this sequence last served a request in, for least-recently-used eviction.
    var lastUsed = 0
    /// The order requests were admitted in: older prompts get the batch first.
    var admission = 0

    init(id: Int32) {
        self.id = id
    }

    var isIdle: Bool { phase == .idle }
}

extension Array where Element == llama_token {
    /// How many leading tokens `self` and `other` share.
    func commonPrefixLength(with other: [llama_token]) -> Int {
        let limit = Swift.min(count, other.count)
        var length = 0
        while length < limit, self[length] == other[length] { length += 1 }
        return length
    }
}
