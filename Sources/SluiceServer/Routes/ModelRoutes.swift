internal import Foundation
internal import Hummingbird
internal import SluiceAnthropic
internal import SluiceCore
internal import SluiceOpenAI
internal import SluiceStore

/// `GET /v1/models` in the shape the caller's protocol expects, and LMDeploy's `/anthropic/v1/models`:
/// the advertised models the calling key may use. Every entry fits on one page, so `limit` and
/// the paging parameters change nothing.
struct ModelRoutes {
    let routes: RouteTable

    func register(v1 group: RouterGroup<SluiceRequestContext>, anthropic anthropicGroup: RouterGroup<SluiceRequestContext>) {
        group.get("models") { request, context in
            let models = usableModels(context)
            return switch APIProtocol(for: request) {
            case .anthropic: Gateway.jsonResponse(AnthropicModelList.encode(models: models))
            case .openai:
                Gateway.jsonResponse(OpenAIModelList.encode(models: models.map(\.id), created: Int(Date().timeIntervalSince1970)))
            }
        }
        anthropicGroup.get("models") { _, context in
            Gateway.jsonResponse(AnthropicModelList.encode(models: usableModels(context)))
        }
    }

    private func usableModels(_ context: SluiceRequestContext) -> [ModelListing] {
        routes.advertisedModels.filter { context.caller?.allows(model: $0.id) ?? false }
    }
}
