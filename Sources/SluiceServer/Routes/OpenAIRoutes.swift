internal import Foundation
internal import Hummingbird
internal import SluiceCore
internal import SluiceOpenAI

/// The OpenAI Chat Completions API: `/v1/chat/completions`, streaming or not.
struct OpenAIRoutes {
    let gateway: Gateway

    func register(on group: RouterGroup<SluiceRequestContext>) {
        group.post("chat/completions") { request, context in try await chatCompletions(request, context: context) }
    }

    private func chatCompletions(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let body = try await gateway.readJSON(request)
        let (chatRequest, streamOptions) = try OpenAIRequestDecoder.decode(body)
        let created = Int(Date().timeIntervalSince1970)
        if chatRequest.stream {
            let dispatch = try await gateway.start(chatRequest, context: context)
            return gateway.streamResponse(dispatch, encoder: OpenAIStreamEncoder(options: streamOptions, created: created), context: context)
        }
        let response = try await gateway.complete(chatRequest, context: context)
        return Gateway.jsonResponse(OpenAIResponseEncoder.encode(response, created: created))
    }
}
