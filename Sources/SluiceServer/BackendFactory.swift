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

    /// What the configured backends amount to: the dispatcher's targets, and the replica pools
    /// of remote backends with the health checks they ask for.
    struct Backends {
        var targets: [Dispatcher.Target] = []
        var pools: [ReplicaPool] = []
        var healthChecks: [ReplicaHealthChecks.Check] = []
    }

    func makeBackends(_ configurations: [BackendConfiguration]) throws -> Backends {
        var backends = Backends()
        for configuration in configurations {
            let backend: any Backend
            if configuration.kind == .llama {
                backend = configuration.embeddings ? try makeLlamaEmbeddingBackend(configuration) : try makeLlamaBackend(configuration)
            } else {
                let endpoint = try remoteEndpoint(configuration)
                backend = makeRemoteBackend(configuration, endpoint: endpoint)
                backends.pools.append(endpoint.replicas)
                if let check = configuration.healthCheck {
                    backends.healthChecks.append(
                        ReplicaHealthChecks.Check(
                            pool: endpoint.replicas, settings: check, headers: credentialHeaders(configuration, endpoint: endpoint),
                            caFile: endpoint.caFile))
                }
            }
            backends.targets.append(Dispatcher.Target(backend: backend, maxAttempts: configuration.maxAttempts))
        }
        return backends
    }

    /// The credential header a backend's requests carry, for its health checks.
    private func credentialHeaders(_ configuration: BackendConfiguration, endpoint: RemoteEndpoint) -> CurlHeaders {
        guard let apiKey = endpoint.apiKey else { return [:] }
        if configuration.kind == .anthropic { return ["x-api-key": apiKey, "anthropic-version": "2023-06-01"] }
        return ["authorization": "Bearer \(apiKey)"]
    }

    private func makeRemoteBackend(_ configuration: BackendConfiguration, endpoint: RemoteEndpoint) -> any Backend {
        switch configuration.kind {
        case .openai:
            let options = OpenAIUpstreamOptions(
                systemMessages: configuration.systemMessages == .fold ? .fold : .inline,
                keepBillingHeader: configuration.keepBillingHeader,
                extendedSampling: configuration.extendedSampling,
                reasoning: Self.reasoningControl(configuration.reasoning))
            return OpenAICompatibleBackend(name: configuration.name, endpoint: endpoint, options: options, client: client)
        case .openAIResponses:
            return OpenAIResponsesBackend(name: configuration.name, endpoint: endpoint, client: client)
        case .anthropic:
            return AnthropicCompatibleBackend(name: configuration.name, endpoint: endpoint, client: client)
        case .llama:
            preconditionFailure("the embedded engine is not a remote backend")
        }
    }

    private func remoteEndpoint(_ configuration: BackendConfiguration) throws -> RemoteEndpoint {
        guard !configuration.urls.isEmpty else { throw ConfigurationError("backend '\(configuration.name)' needs a url") }
        var settings = ReplicaPool.Settings()
        settings.balance = configuration.balance == .roundRobin ? .roundRobin : .leastOutstanding
        settings.sessionAffinity = configuration.affinity == .session
        let pool = ReplicaPool(
            backendName: configuration.name, urls: configuration.urls.map(RemoteEndpoint.apiRoot), settings: settings,
            metricsFactory: metricsFactory)
        return RemoteEndpoint(
            replicas: pool, apiKey: configuration.apiKeyEnvironmentVariable.flatMap { environment[$0] },
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
