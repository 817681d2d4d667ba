internal import SluiceCore

/// One request's retrieval.
///
/// `prepare` searches the collections for the last user turn's own text and inserts the best
/// passages before it, within `max_context_tokens`. Stages after `rag` see them like the
/// user's text: `pii` scrubs them, `content` rules apply, and the `cache` key covers them, so a
/// changed passage is a different entry.
struct RAGSession: PolicySession {
    let settings: RAGSettings
    let retriever: Retriever?
    private(set) var actions: [String] = []

    init(settings: RAGSettings, retriever: Retriever?) {
        self.settings = settings
        self.retriever = retriever
    }

    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict {
        guard let query = request.retrievalQuery else { return .proceed }
        let clock = ContinuousClock()
        let started = clock.now
        let passages: [RetrievedPassage]
        do {
            passages = try await retrieve(query)
        } catch {
            actions = ["rag:error"]
            if settings.onError == .skip { return .proceed }
            let reason = (error as? SluiceError)?.message ?? "\(error)"
            return .refuse(SluiceError(.unavailable, "rag: retrieval failed: \(reason)", retryAfter: 5))
        }
        let elapsed = clock.now - started
        let context = RetrievedContext(passages: passages.filter { $0.score >= settings.minScore }, maxTokens: settings.maxContextTokens)
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        actions = ["rag:retrieval", "rag:retrieval_ms=\(milliseconds)"]
        guard !context.passages.isEmpty, request.insertRetrievedContext(context.text) else { return .proceed }
        actions += ["rag:chunks=\(context.passages.count)", "rag:context_tokens=\(context.tokens)"]
        return .proceed
    }

    private func retrieve(_ query: String) async throws -> [RetrievedPassage] {
        guard let retriever else { throw SluiceError(.unavailable, "no collection store is available here") }
        var collections: [RetrievalCollection] = []
        for name in settings.collections {
            // Read afresh: its revision tells the retriever whether its vectors changed.
            guard let collection = try await retriever.store.collection(named: name) else {
                throw SluiceError.notFound("collection '\(name)' no longer exists")
            }
            collections.append(collection)
        }
        return try await retriever.search(query, in: collections, mode: settings.mode, limit: settings.topK)
    }
}
