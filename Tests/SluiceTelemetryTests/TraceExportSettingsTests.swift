import SluiceConfig
import SluiceTelemetry
import Testing

@Suite struct TraceExportSettingsTests {
    @Test func nothingConfiguredMeansNoTracing() throws {
        #expect(try TraceExportSettings.resolve(nil, environment: [:]) == nil)
        // Naming the service alone asks for nothing to be sent anywhere.
        #expect(try TraceExportSettings.resolve(nil, environment: ["OTEL_SERVICE_NAME": "x"]) == nil)
    }

    @Test func theSharedEndpointGetsTheTracesPath() throws {
        let settings = try #require(
            try TraceExportSettings.resolve(nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"]))
        #expect(settings.tracesEndpoint == "http://collector:4318/v1/traces")
        #expect(settings.exportProtocol == .httpProtobuf)
        #expect(settings.serviceName == "sluice")
        #expect(settings.sampler == .parentBasedAlwaysOn)
    }

    @Test func theTracesEndpointIsUsedAsItIs() throws {
        let settings = try #require(
            try TraceExportSettings.resolve(
                TelemetryConfiguration(endpoint: "http://file:4318"),
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://shared:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9/in",
                ]))
        #expect(settings.tracesEndpoint == "http://traces:9/in")
    }

    @Test func theEnvironmentWinsOverTheFile() throws {
        let file = TelemetryConfiguration(
            endpoint: "http://file:4318", exportProtocol: .httpJSON, serviceName: "from-file", sampler: .alwaysOff)
        let fromFile = try #require(try TraceExportSettings.resolve(file, environment: [:]))
        #expect(fromFile.tracesEndpoint == "http://file:4318/v1/traces")
        #expect(fromFile.exportProtocol == .httpJSON)
        #expect(fromFile.serviceName == "from-file")
        #expect(fromFile.sampler == .alwaysOff)
        let overridden = try #require(
            try TraceExportSettings.resolve(
                file,
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                    "OTEL_SERVICE_NAME": "from-env", "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1",
                ]))
        #expect(overridden.tracesEndpoint == "http://env:4318/v1/traces")
        #expect(overridden.exportProtocol == .httpProtobuf)
        #expect(overridden.serviceName == "from-env")
        #expect(overridden.sampler == .traceIDRatio)
        #expect(overridden.samplerRatio == 0.1)
    }

    @Test func anExplicitOTLPExporterTurnsTracingOnAtTheDefaultEndpoint() throws {
        let settings = try #require(try TraceExportSettings.resolve(nil, environment: ["OTEL_TRACES_EXPORTER": "otlp"]))
        #expect(settings.tracesEndpoint == "http://localhost:4318/v1/traces")
    }

    @Test(arguments: [["OTEL_SDK_DISABLED": "TRUE"], ["OTEL_TRACES_EXPORTER": "none"]])
    func disablingWinsOverAnyEndpoint(switch: [String: String]) throws {
        var environment = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]
        environment.merge(`switch`) { $1 }
        #expect(try TraceExportSettings.resolve(TelemetryConfiguration(endpoint: "http://a:1"), environment: environment) == nil)
    }

    @Test(arguments: [
        ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"],
        ["OTEL_TRACES_EXPORTER": "zipkin"], ["OTEL_TRACES_SAMPLER": "xray"],
    ])
    func settingsThisBuildCannotHonourAreErrors(environment: [String: String]) {
        #expect(throws: TelemetrySettingsError.self) {
            try TraceExportSettings.resolve(TelemetryConfiguration(), environment: environment)
        }
    }
}
