internal import SluiceCore

/// The `rag` stage: puts the passages of the policy's collections that best match the last
/// user turn into that turn, for every front and backend alike.
struct RAGStage: PolicyStage {
    let name = "rag"
    let settings: RAGSettings
    /// `nil` where there is no store (`sluice policies test`): retrieval fails, per `on_error`.
    let retriever: Retriever?

    func makeSession(for context: PolicyContext) -> any PolicySession {
        // Embedding inputs are texts to embed, not questions to answer.
        guard context.purpose != .embedding else { return PassThroughSession() }
        return RAGSession(settings: settings, retriever: retriever)
    }
}
