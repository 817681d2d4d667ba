public import SluiceCore
internal import SluiceCurl
internal import SluiceOpenAI

extension OpenAICompatibleBackend: EmbeddingBackend {
    /// POSTs to the upstream's `/embeddings`, floats back whatever the client asked for.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResult {
        let headers: CurlHeaders = ["accept": "application/json"]
        // Embeddings spread over replicas by load: there is no prefix cache to keep warm.
        let answer = try await call.post(
            path: "/embeddings", body: OpenAIEmbeddingRequestEncoder.encode(request), headers: headers, affinity: nil,
            upstreamError: { status, _, body, wait in OpenAIUpstreamError.error(status: status, body: body, retryAfter: wait) })
        guard let document = try await call.jsonDocument(of: answer.response) else {
            throw SluiceError.upstreamFailed("backend '\(name)' answered embeddings with something other than JSON")
        }
        do throws(SluiceError) {
            return try OpenAIEmbeddingResponseDecoder.decode(document, inputCount: request.inputs.count, model: request.model)
        } catch {
            throw SluiceError.upstreamFailed("backend '\(name)' sent a \(error.message)")
        }
    }
}
