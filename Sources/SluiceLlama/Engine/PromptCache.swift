internal import CLlama

/// Caches of finished conversations kept in host memory, as llama-server's `--cache-ram` keeps them.
///
/// With a unified KV cache every decode attends over the cells up to the highest one in use, so
/// caches left behind by idle sequences slow everyone down. They are saved here and cleared from
/// the KV cache instead; a request that continues one of them gets it copied back (a memcpy, far
/// cheaper than evaluating its tokens again). The oldest entries go first past the size limit.
struct PromptCache {
    struct Entry {
        let tokens: [llama_token]
        let state: [UInt8]
    }

    private(set) var entries: [Entry] = []
    let limitBytes: Int

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    var bytes: Int { entries.reduce(0) { $0 + $1.state.count } }

    /// Saves `sequence`'s cache (holding `tokens`) unless an entry already holds all of them.
    mutating func save(_ tokens: [llama_token], of sequence: Int32, in context: LlamaContext) {
        guard !tokens.isEmpty, limitBytes > 0 else { return }
        if entries.contains(where: { $0.tokens.commonPrefixLength(with: tokens) == tokens.count }) { return }
        guard let state = context.saveState(of: sequence), state.count <= limitBytes else { return }
        // Entries the new one contains entirely are obsolete.
        entries.removeAll { $0.tokens.commonPrefixLength(with: tokens) == $0.tokens.count }
        while !entries.isEmpty, bytes + state.count > limitBytes { entries.removeFirst() }
        entries.append(Entry(tokens: tokens, state: state))
    }

    /// The entry that shares more of `prompt` than `current` (a sequence's own tokens) does while
    /// keeping most of itself, if any.
    func bestEntry(for prompt: [llama_token], over current: [llama_token]) -> Int? {
        let currentShared = current.commonPrefixLength(with: prompt)
        var bestKeep = current.isEmpty ? -1.0 : Double(currentShared) / Double(current.count)
        var bestSimilarity = Double(currentShared) / Double(max(prompt.count, 1))
        var best: Int?
        for (index, entry) in entries.enumerated() {
            let shared = entry.tokens.commonPrefixLength(with: prompt)
            let keep = Double(shared) / Double(entry.tokens.count)
            let similarity = Double(shared) / Double(max(prompt.count, 1))
            // Don't trash a large cached prompt for a small overlap (llama-server's rule).
            guard keep >= 0.25, keep > bestKeep, similarity > bestSimilarity else { continue }
            (bestKeep, bestSimilarity, best) = (keep, similarity, index)
        }
        return best
    }

    /// Moves entry `index` into `sequence` (which must be empty); returns its tokens, or `nil` if
    /// the KV cache had no room for it.
    mutating func restore(_ index: Int, into sequence: Int32, in context: LlamaContext) -> [llama_token]? {
        guard context.restoreState(entries[index].state, into: sequence) else { return nil }
        return entries.remove(at: index).tokens
    }
}
