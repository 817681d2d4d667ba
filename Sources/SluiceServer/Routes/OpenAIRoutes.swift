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
        context.record.api = .openai
        let body = try await gateway.readJSON(request)
        let (chatRequest, streamOptions) = try OpenAIRequestDecoder.decode(body)
        let created = Int(Date().timeIntervalSince1970)
        return try await gateway.respond(
            to: chatRequest, api: .openai, request: request, context: context, endpoint: "chat/completions",
            streamEncoder: OpenAIStreamEncoder(options: streamOptions, created: created),
            encodeResponse: { OpenAIResponseEncoder.encode($0, created: created) })
    }
}
