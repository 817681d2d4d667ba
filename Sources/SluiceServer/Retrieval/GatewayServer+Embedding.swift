internal import CoreMetrics
internal import Logging
public import SluiceConfig
internal import SluiceCore
internal import SluiceCurl
public import SluicePolicy

extension GatewayServer {
    /// Runs `body` with an embedder over the backend `backend` of `configuration`, built as
    /// `sluice serve` builds it, for `sluice rag add` to embed passages with the same backend the
    /// server will embed queries with.
    ///
    /// - Throws: ``SluiceConfig/ConfigurationError`` when there is no such backend.
    public static func withPassageEmbedder<Result>(
        configuration: SluiceConfiguration, backend: String, environment: [String: String],
        _ body: (any PassageEmbedder) async throws -> Result
    ) async throws -> Result {
        guard let backendConfiguration = configuration.backends.first(where: { $0.name == backend }) else {
            let known = configuration.backends.map(\.name).joined(separator: ", ")
            throw ConfigurationError("no backend named '\(backend)' in the configuration (backends: \(known.isEmpty ? "none" : known))")
        }
        return try await CurlClient.withClient(logger: Logger(label: "sluice.curl", factory: { _ in SwiftLogNoOpLogHandler() })) { client in
            let backends = try BackendFactory(client: client, environment: environment, metricsFactory: NOOPMetricsHandler.instance)
                .makeBackends([backendConfiguration])
            let dispatcher = Dispatcher(routes: RouteTable(routes: []), targets: backends.targets)
            return try await body(DispatcherPassageEmbedder(dispatcher: dispatcher))
        }
    }
}
