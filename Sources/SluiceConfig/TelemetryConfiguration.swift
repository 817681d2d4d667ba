/// The `telemetry:` section: where Sluice sends its OpenTelemetry traces. The standard `OTEL_*`
/// environment variables override each setting; with neither, tracing is off.
public struct TelemetryConfiguration: Sendable, Hashable {
    /// How spans travel to the collector.
    public enum ExportProtocol: String, Sendable, Hashable, CaseIterable {
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
    }

    /// Which requests are traced, as `OTEL_TRACES_SAMPLER` names them.
    public enum Sampler: String, Sendable, Hashable, CaseIterable {
        case alwaysOn = "always_on"
        case alwaysOff = "always_off"
        case traceIDRatio = "traceidratio"
        case parentBasedAlwaysOn = "parentbased_always_on"
        case parentBasedAlwaysOff = "parentbased_always_off"
        case parentBasedTraceIDRatio = "parentbased_traceidratio"
    }

    /// The collector's base URL, like `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go to its `/v1/traces`.
    public var endpoint: String?
    public var exportProtocol: ExportProtocol?
    public var serviceName: String?
    public var sampler: Sampler?
    /// The share of traces kept by the ratio samplers, 0 to 1.
    public var samplerRatio: Double?

    public init(
        endpoint: String? = nil, exportProtocol: ExportProtocol? = nil, serviceName: String? = nil, sampler: Sampler? = nil,
        samplerRatio: Double? = nil
    ) {
        self.endpoint = endpoint
        self.exportProtocol = exportProtocol
        self.serviceName = serviceName
        self.sampler = sampler
        self.samplerRatio = samplerRatio
    }
}
