internal import Foundation
internal import Hummingbird
internal import SluiceAnthropic
internal import SluiceCore

/// The Anthropic Messages API: `/v1/messages` (streaming or not) and `/v1/messages/count_tokens`.
struct AnthropicRoutes {
    let gateway: Gateway

    func register(on group: RouterGroup<SluiceRequestContext>) {
        group.post("messages") { request, context in try await messages(request, context: context) }
        group.post("messages/count_tokens") { request, context in try await countTokens(request, context: context) }
    }

    private func messages(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        context.record.api = .anthropic
        let body = try await gateway.readJSON(request)
        let chatRequest = try AnthropicRequestDecoder.decode(body, betaHeader: request.headers[.anthropicBeta])
        return try await gateway.respond(
            to: chatRequest, api: .anthropic, request: request, context: context, endpoint: "messages",
            streamEncoder: AnthropicStreamEncoder(), encodeResponse: AnthropicResponseEncoder.encode)
    }

    private func countTokens(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        context.record.api = .anthropic
        let body = try await gateway.readJSON(request)
        let chatRequest = try AnthropicRequestDecoder.decode(body, betaHeader: request.headers[.anthropicBeta], endpoint: .countTokens)
        let tokens = try await gateway.countTokens(chatRequest, request: request, context: context)
        return Gateway.jsonResponse(AnthropicCountTokensResponse.encode(inputTokens: tokens))
    }
}
