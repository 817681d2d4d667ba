internal import Foundation
internal import Hummingbird
internal import SluiceAnthropic
internal import SluiceCore
internal import SluiceOpenAI

/// `GET /v1/models` in the shape the caller's protocol expects, and LMDeploy's `/anthropic/v1/models`.
struct ModelRoutes {
    let routes: RouteTable

    func register(v1 group: RouterGroup<SluiceRequestContext>, anthropic anthropicGroup: RouterGroup<SluiceRequestContext>) {
        group.get("models") { request, _ in
            switch APIProtocol(for: request) {
            case .anthropic: Gateway.jsonResponse(AnthropicModelList.encode(models: routes.advertisedModels))
            case .openai:
                Gateway.jsonResponse(OpenAIModelList.encode(models: routes.advertisedModels, created: Int(Date().timeIntervalSince1970)))
            }
        }
        anthropicGroup.get("models") { _, _ in
            Gateway.jsonResponse(AnthropicModelList.encode(models: routes.advertisedModels))
        }
    }
}
