public import SluiceConfig

/// Where and how Sluice exports traces, resolved from the `telemetry:` section and the standard
/// `OTEL_*` environment variables (which win, as the OpenTelemetry specification has it).
///
/// Tracing is on when something asks for it: a `telemetry:` section, an
/// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
/// `OTEL_TRACES_EXPORTER=otlp`; `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it
/// off whatever else is set. Off, ``resolve(_:environment:)`` is `nil` and no tracer exists.
public struct TraceExportSettings: Sendable, Hashable {
    public var serviceName: String
    /// The URL spans are posted to, `/v1/traces` included.
    public var tracesEndpoint: String
    public var exportProtocol: TelemetryConfiguration.ExportProtocol
    public var sampler: TelemetryConfiguration.Sampler
    public var samplerRatio: Double?

    static let defaultServiceName = "sluice"
    /// The OTLP/HTTP port on this machine, the specification's default.
    static let defaultEndpoint = "http://localhost:4318"

    /// The settings, or `nil` when tracing is off.
    /// - Throws: ``TelemetrySettingsError`` for a setting this build cannot honour (gRPC export).
    public static func resolve(
        _ configuration: TelemetryConfiguration?, environment: [String: String]
    ) throws(TelemetrySettingsError) -> TraceExportSettings? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingWhitespace, !text.isEmpty else { return nil }
            return text
        }
        if value("OTEL_SDK_DISABLED")?.lowercased() == "true" { return nil }
        let exporter = value("OTEL_TRACES_EXPORTER")?.lowercased()
        switch exporter {
        case "none": return nil
        case nil, "otlp": break
        case let other?: throw TelemetrySettingsError("OTEL_TRACES_EXPORTER=\(other) is not supported (otlp or none)")
        }
        let sharedEndpoint = value("OTEL_EXPORTER_OTLP_ENDPOINT")
        let tracesEndpoint = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        guard configuration != nil || sharedEndpoint != nil || tracesEndpoint != nil || exporter == "otlp" else { return nil }

        let protocolName = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value("OTEL_EXPORTER_OTLP_PROTOCOL")
        let exportProtocol: TelemetryConfiguration.ExportProtocol
        if let protocolName {
            guard let chosen = TelemetryConfiguration.ExportProtocol(rawValue: protocolName) else {
                throw TelemetrySettingsError(
                    "OTLP protocol '\(protocolName)' is not supported: Sluice exports over http/protobuf or http/json (port 4318), not gRPC"
                )
            }
            exportProtocol = chosen
        } else {
            exportProtocol = configuration?.exportProtocol ?? .httpProtobuf
        }
        let endpoint =
            tracesEndpoint ?? Self.signalURL(base: sharedEndpoint ?? configuration?.endpoint ?? Self.defaultEndpoint)
        let samplerName = value("OTEL_TRACES_SAMPLER")
        let sampler = samplerName.flatMap(TelemetryConfiguration.Sampler.init(rawValue:)) ?? configuration?.sampler ?? .parentBasedAlwaysOn
        if let samplerName, TelemetryConfiguration.Sampler(rawValue: samplerName) == nil {
            throw TelemetrySettingsError("OTEL_TRACES_SAMPLER=\(samplerName) is not supported")
        }
        let ratio = value("OTEL_TRACES_SAMPLER_ARG").flatMap(Double.init) ?? configuration?.samplerRatio
        return TraceExportSettings(
            serviceName: value("OTEL_SERVICE_NAME") ?? configuration?.serviceName ?? Self.defaultServiceName,
            tracesEndpoint: endpoint, exportProtocol: exportProtocol, sampler: sampler, samplerRatio: ratio)
    }

    /// A base URL's traces path, as the specification builds it from `OTEL_EXPORTER_OTLP_ENDPOINT`.
    static func signalURL(base: String) -> String {
        base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces"
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
