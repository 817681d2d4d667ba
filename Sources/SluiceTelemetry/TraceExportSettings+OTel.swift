internal import SluiceConfig
internal import Logging
internal import OTel

extension TraceExportSettings {
    /// swift-otel's configuration for these settings: traces only (Sluice's metrics are Prometheus,
    /// its logs its own), its diagnostics in Sluice's log.
    func otelConfiguration(logger: Logger) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.otlpExporter.endpoint = tracesEndpoint
        configuration.traces.otlpExporter.protocol =
            switch exportProtocol {
            case .httpProtobuf: .httpProtobuf
            case .httpJSON: .httpJSON
            }
        let ratio = samplerRatio ?? 1
        configuration.traces.sampler =
            switch sampler {
            case .alwaysOn: .alwaysOn
            case .alwaysOff: .alwaysOff
            case .traceIDRatio: .traceIDRatio(ratio: ratio) ?? .traceIDRatio
            case .parentBasedAlwaysOn: .parentBasedAlwaysOn
            case .parentBasedAlwaysOff: .parentBasedAlwaysOff
            case .parentBasedTraceIDRatio: .parentBasedTraceIDRatio(ratio: ratio) ?? .parentBasedTraceIDRatio
            }
        return configuration
    }
}
