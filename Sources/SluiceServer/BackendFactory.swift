internal import SluiceConfig
internal import SluiceCore
internal import SluiceCurl
internal import SluiceOpenAI
internal import SluiceRemote

/// Builds the configured backends. Remote ones share one HTTP client, so connections are reused across them.
enum BackendFactory {
    static func makeTargets(
        _ configurations: [BackendConfiguration], client: CurlClient, environment: [String: String]
    ) throws -> [Dispatcher.Target] {
        try configurations.map { configuration in
            Dispatcher.Target(
                backend: try makeBackend(configuration, client: client, environment: environment),
                maxAttempts: configuration.maxAttempts)
        }
    }

    private static func makeBackend(
        _ configuration: BackendConfiguration, client: CurlClient, environment: [String: String]
    ) throws -> any Backend {
        guard let url = configuration.url else { throw ConfigurationError("backend '\(configuration.name)' needs a url") }
        let endpoint = RemoteEndpoint(
            baseURL: url, apiKey: configuration.apiKeyEnvironmentVariable.flatMap { environment[$0] },
            connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout,
            maxOutputTokens: configuration.maxOutputTokens)
        switch configuration.kind {
        case .openai:
            let options = OpenAIUpstreamOptions(
                systemMessages: configuration.systemMessages == .fold ? .fold : .inline,
                keepBillingHeader: configuration.keepBillingHeader,
                supportsTopK: configuration.supportsTopK,
                reasoning: reasoningControl(configuration.reasoning))
            return OpenAICompatibleBackend(name: configuration.name, endpoint: endpoint, options: options, client: client)
        case .anthropic:
            return AnthropicCompatibleBackend(name: configuration.name, endpoint: endpoint, client: client)
        case .llama:
            throw ConfigurationError("backend '\(configuration.name)': the embedded llama engine is not available in this build")
        }
    }

    private static func reasoningControl(_ control: BackendConfiguration.ReasoningControl) -> OpenAIUpstreamOptions.ReasoningControl {
        switch control {
        case .none: .none
        case .reasoningEffort: .reasoningEffort
        case .chatTemplateKwargs: .chatTemplateKwargs
        }
    }
}
