internal import Hummingbird
internal import SluiceCore
internal import SluiceOpenAI

/// The OpenAI embeddings API: `/v1/embeddings`, answered by OpenAI-compatible upstreams or the
/// embedded engine's embedding models.
struct EmbeddingsRoutes {
    let gateway: Gateway

    func register(on group: RouterGroup<SluiceRequestContext>) {
        group.post("embeddings") { request, context in try await embeddings(request, context: context) }
    }

    private func embeddings(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        context.record.api = .openai
        let body = try await gateway.readJSON(request)
        let (embeddingRequest, format) = try OpenAIEmbeddingRequestDecoder.decode(body)
        return try await gateway.embed(embeddingRequest, request: request, context: context) {
            OpenAIEmbeddingResponseEncoder.encode($0, format: format)
        }
    }
}
