internal import CoreMetrics
internal import Foundation
internal import Logging
internal import SluiceConfig
internal import SluiceCore
internal import SluiceCurl
internal import SluiceLlama
internal import SluiceOpenAI
internal import SluiceRemote

/// Builds the configured backends. Remote ones share one HTTP client, so connections are reused
/// across them; the embedded engine reports its metrics to the server's registry.
struct BackendFactory {
    let client: CurlClient
    let environment: [String: String]
    let metricsFactory: any MetricsFactory

    func makeTargets(_ configurations: [BackendConfiguration]) throws -> [Dispatcher.Target] {
        try configurations.map { configuration in
            Dispatcher.Target(backend: try makeBackend(configuration), maxAttempts: configuration.maxAttempts)
        }
    }

    private func makeBackend(_ configuration: BackendConfiguration) throws -> any Backend {
        switch configuration.kind {
        case .llama where configuration.embeddings:
            return try makeLlamaEmbeddingBackend(configuration)
        case .llama:
            return try makeLlamaBackend(configuration)
        case .openai:
            let options = OpenAIUpstreamOptions(
                systemMessages: configuration.systemMessages == .fold ? .fold : .inline,
                keepBillingHeader: configuration.keepBillingHeader,
                extendedSampling: configuration.extendedSampling,
                reasoning: Self.reasoningControl(configuration.reasoning))
            return OpenAICompatibleBackend(
                name: configuration.name, endpoint: try remoteEndpoint(configuration), options: options, client: client)
        case .anthropic:
            return AnthropicCompatibleBackend(name: configuration.name, endpoint: try remoteEndpoint(configuration), client: client)
        }
    }

    private func remoteEndpoint(_ configuration: BackendConfiguration) throws -> RemoteEndpoint {
        guard let url = configuration.url else { throw ConfigurationError("backend '\(configuration.name)' needs a url") }
        return RemoteEndpoint(
            baseURL: url, apiKey: configuration.apiKeyEnvironmentVariable.flatMap { environment[$0] },
            connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout,
            maxOutputTokens: configuration.maxOutputTokens, caFile: try caFile(configuration))
    }

    /// The backend's CA file, checked now: a typo must stop start-up, not fail every request.
    private func caFile(_ configuration: BackendConfiguration) throws -> String? {
        guard let path = configuration.caFile else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigurationError("backend '\(configuration.name)': ca_file '\(path)' cannot be read")
        }
        return path
    }

    /// Loads the model now, so a missing or broken file stops start-up with its name.
    private func makeLlamaBackend(_ configuration: BackendConfiguration) throws -> LlamaBackend {
        guard let modelPath = configuration.modelPath else {
            throw ConfigurationError("backend '\(configuration.name)' needs a model (a .gguf file)")
        }
        do {
            return try LlamaBackend(
                name: configuration.name,
                configuration: LlamaBackend.Configuration(
                    modelPath: modelPath, contextLength: configuration.contextLength, parallel: configuration.parallel,
                    threads: configuration.threads, batchSize: configuration.batchSize,
                    maxOutputTokens: configuration.maxOutputTokens),
                logger: Logger(label: "sluice.llama"), metricsFactory: metricsFactory)
        } catch {
            throw ConfigurationError("backend '\(configuration.name)': \(error.description)")
        }
    }

    /// Loads the embedding model now, so a missing file or a chat model stops start-up with its name.
    private func makeLlamaEmbeddingBackend(_ configuration: BackendConfiguration) throws -> LlamaEmbeddingBackend {
        guard let modelPath = configuration.modelPath else {
            throw ConfigurationError("backend '\(configuration.name)' needs a model (a .gguf file)")
        }
        do {
            return try LlamaEmbeddingBackend(
                name: configuration.name,
                configuration: LlamaEmbeddingBackend.Configuration(
                    modelPath: modelPath, contextLength: configuration.contextLength, parallel: configuration.parallel,
                    threads: configuration.threads),
                logger: Logger(label: "sluice.llama"))
        } catch {
            throw ConfigurationError("backend '\(configuration.name)': \(error.description)")
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
