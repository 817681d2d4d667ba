import SluiceConfig
import Testing

@Suite struct TelemetryConfigurationTests {
    @Test func theTelemetrySectionIsReadWithEverySetting() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                telemetry:
                  endpoint: http://collector:4318
                  protocol: http/json
                  service_name: gateway-eu
                  sampler: parentbased_traceidratio
                  sampler_ratio: 0.25
                """)
        #expect(
            configuration.telemetry
                == TelemetryConfiguration(
                    endpoint: "http://collector:4318", exportProtocol: .httpJSON, serviceName: "gateway-eu",
                    sampler: .parentBasedTraceIDRatio, samplerRatio: 0.25))
    }

    @Test func withoutTheSectionThereIsNoTelemetry() throws {
        #expect(try ConfigurationLoader.parse(yaml: "listen: 127.0.0.1:9000").telemetry == nil)
    }

    @Test(arguments: [
        ("telemetry: {endpoint: collector:4318}", "http:// or https://"),
        ("telemetry: {protocol: grpc}", "must be one of"),
        ("telemetry: {sampler_ratio: 1.5}", "between 0 and 1"),
        ("telemetry: {headers: {a: b}}", "unknown key 'headers'"),
    ])
    func aBadTelemetrySettingIsRefusedWithItsLine(yaml: String, message: String) {
        #expect {
            try ConfigurationLoader.parse(yaml: "listen: 127.0.0.1:9000\n" + yaml, file: "sluice.yaml")
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.message.contains(message) == true && error?.line == 2
        }
    }

    @Test func aPolicyTurnsContentCaptureOnInItsTelemetrySection() throws {
        let captured = try PolicyDocument.parse(
            yaml: "stages: [pii]\ntelemetry: {capture_content: true}\n", name: "p", file: "policies/p.yaml")
        #expect(captured.telemetry.captureContent)
        #expect(captured.sections["telemetry"] == nil)
        let plain = try PolicyDocument.parse(yaml: "stages: [pii]\n", name: "p", file: "policies/p.yaml")
        #expect(!plain.telemetry.captureContent)
    }

    @Test func aPolicyTelemetrySectionTakesOnlyABooleanCaptureContent() {
        #expect(throws: ConfigurationError.self) {
            try PolicyDocument.parse(yaml: "stages: []\ntelemetry: {capture_content: maybe}\n", name: "p", file: "p.yaml")
        }
        #expect(throws: ConfigurationError.self) {
            try PolicyDocument.parse(yaml: "stages: []\ntelemetry: {prompts: true}\n", name: "p", file: "p.yaml")
        }
    }
}
