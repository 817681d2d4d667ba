internal import CoreMetrics
internal import Logging
public import SluiceConfig
internal import SluiceCore
internal import SluiceCurl
public import SluicePolicy

extension GatewayServer {
    /// Runs `body` with an embedder over the backends `backends` of `configuration`, built as
    /// `sluice serve` builds them, so that `sluice rag add` embeds passages with the backend the
    /// server will embed queries with. Other backends are not built (no chat model is loaded).
    ///
    /// - Throws: ``SluiceConfig/ConfigurationError`` when the configuration has no such backend.
    public static func withPassageEmbedder<Result>(
        configuration: SluiceConfiguration, backends names: Set<String>, environment: [String: String],
        _ body: (any PassageEmbedder) async throws -> Result
    ) async throws -> Result {
        let chosen = configuration.backends.filter { names.contains($0.name) }
        if let missing = names.subtracting(chosen.map(\.name)).sorted().first {
            let known = configuration.backends.map(\.name).joined(separator: ", ")
            throw ConfigurationError("no backend named '\(missing)' in the configuration (backends: \(known.isEmpty ? "none" : known))")
        }
        return try await CurlClient.withClient(logger: Logger(label: "sluice.curl", factory: { _ in SwiftLogNoOpLogHandler() })) { client in
            let backends = try BackendFactory(client: client, environment: environment, metricsFactory: NOOPMetricsHandler.instance)
                .makeBackends(chosen)
            let dispatcher = Dispatcher(routes: RouteTable(routes: []), targets: backends.targets)
            return try await body(DispatcherPassageEmbedder(dispatcher: dispatcher))
        }
    }
}
