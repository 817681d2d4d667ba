internal import SluiceCore
internal import SluicePolicy

/// Embeds `rag` queries and passages through the dispatcher, on the backend a collection names.
struct DispatcherPassageEmbedder: PassageEmbedder {
    let dispatcher: Dispatcher

    func embed(_ texts: [String], backend: String, model: String) async throws -> [[Float]] {
        let result = try await dispatcher.embed(EmbeddingRequest(model: model, inputs: texts.map { .text($0) }), backend: backend)
        guard result.vectors.count == texts.count else {
            throw SluiceError.upstreamFailed("backend '\(backend)' returned \(result.vectors.count) vectors for \(texts.count) texts")
        }
        return result.vectors
    }
}
