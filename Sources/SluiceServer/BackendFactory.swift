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
        /// The embedded engines' counters, by backend name.
        var engines: [String: @Sendable () -> LlamaStatistics] = [:]
    }

    func makeBackends(_ configurations: [BackendConfiguration]) throws -> Backends {
        var backends = Backends()
        for configuration in configurations {
            let backend: any Backend
            if configuration.kind == .llama {
                if configuration.embeddings {
                    let embedder = try makeLlamaEmbeddingBackend(configuration)
                    backends.engines[configuration.name] = { embedder.statistics }
                    backend = embedder
                } else {
                    let engine = try makeLlamaBackend(configuration)
                    backends.engines[configuration.name] = { engine.statistics }
                    backend = engine
                }
            } else {
                let endpoint = try remoteEndpoint(configuration)
                backend = makeRemoteBackend(configuration, endpoint: endpoint)
                backends.pools.append(endpoint.replicas)
                if let check = configuration.healthCheck {
                    backends.healthChecks.append(
                        ReplicaHealthChecks.Check(
                            pool: endpoint.replicas, settings: check, headers: healthCheckHeaders(configuration, endpoint: endpoint),
                            caFile: endpoint.caFile))
                }
            }
            backends.targets.append(Dispatcher.Target(backend: backend, maxAttempts: configuration.maxAttempts))
        }
        return backends
    }

    /// What a backend's health checks send each replica: its credential and headers, and the
    /// version header an Anthropic server wants on every request.
    private func healthCheckHeaders(_ configuration: BackendConfiguration, endpoint: RemoteEndpoint) -> [CurlHeaders] {
        endpoint.replicaHeaders.map { fields in
            var headers = CurlHeaders(fields.map { CurlHeaders.Field(name: $0.name, value: $0.value) })
            if configuration.kind == .anthropic { headers.add(name: "anthropic-version", value: "2023-06-01") }
            return headers
        }
    }

    /// A replica's credential (its own key, else the backend's) in the backend's protocol, then
    /// the backend's headers and the replica's own, which win.
    private func replicaHeaders(_ replica: BackendConfiguration.Replica, of configuration: BackendConfiguration) -> [HeaderField] {
        var fields: [String: String] = [:]
        if let apiKey = (replica.apiKeyEnvironmentVariable ?? configuration.apiKeyEnvironmentVariable).flatMap({ environment[$0] }) {
            if configuration.kind == .anthropic { fields["x-api-key"] = apiKey } else { fields["authorization"] = "Bearer \(apiKey)" }
        }
        fields.merge(configuration.headers) { $1 }
        fields.merge(replica.headers) { $1 }
        return fields.sorted { $0.key < $1.key }.map { HeaderField(name: $0.key, value: $0.value) }
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
        guard !configuration.replicas.isEmpty else { throw ConfigurationError("backend '\(configuration.name)' needs a url") }
        var settings = ReplicaPool.Settings()
        settings.balance = configuration.balance == .roundRobin ? .roundRobin : .leastOutstanding
        settings.sessionAffinity = configuration.affinity == .session
        let pool = ReplicaPool(
            backendName: configuration.name, urls: configuration.replicas.map { RemoteEndpoint.apiRoot($0.url) }, settings: settings,
            metricsFactory: metricsFactory)
        return RemoteEndpoint(
            replicas: pool, replicaHeaders: configuration.replicas.map { replicaHeaders($0, of: configuration) },
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
                    maxOutputTokens: configuration.maxOutputTokens, devices: Self.deviceSettings(configuration)),
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
                    threads: configuration.threads, devices: Self.deviceSettings(configuration)),
                logger: Logger(label: "sluice.llama"))
        } catch {
            throw ConfigurationError("backend '\(configuration.name)': \(error.description)")
        }
    }

    private static func deviceSettings(_ configuration: BackendConfiguration) -> LlamaDeviceSettings {
        LlamaDeviceSettings(
            gpuLayers: configuration.gpuLayers, mainGPU: configuration.mainGPU, tensorSplit: configuration.tensorSplit,
            flashAttention: LlamaDeviceSettings.FlashAttention(rawValue: configuration.flashAttention.rawValue) ?? .auto,
            cacheTypeK: LlamaDeviceSettings.CacheType(rawValue: configuration.cacheTypeK.rawValue) ?? .f16,
            cacheTypeV: LlamaDeviceSettings.CacheType(rawValue: configuration.cacheTypeV.rawValue) ?? .f16)
    }

    private static func reasoningControl(_ control: BackendConfiguration.ReasoningControl) -> OpenAIUpstreamOptions.ReasoningControl {
        switch control {
        case .none: .none
        case .reasoningEffort: .reasoningEffort
        case .chatTemplateKwargs: .chatTemplateKwargs
        }
    }
}
