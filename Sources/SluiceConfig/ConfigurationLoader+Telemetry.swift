extension ConfigurationLoader {
    static func parseTelemetry(_ node: YAMLCursor) throws(ConfigurationError) -> TelemetryConfiguration {
        var telemetry = TelemetryConfiguration()
        for (key, value) in try node.entries(allowed: ["endpoint", "protocol", "service_name", "sampler", "sampler_ratio"]) {
            switch key {
            case "endpoint":
                let endpoint = try value.string()
                guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                    throw value.error("telemetry endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:4318")
                }
                telemetry.endpoint = endpoint
            case "protocol": telemetry.exportProtocol = try value.oneOf(TelemetryConfiguration.ExportProtocol.self)
            case "service_name": telemetry.serviceName = try value.string()
            case "sampler": telemetry.sampler = try value.oneOf(TelemetryConfiguration.Sampler.self)
            default:
                let ratio = try value.nonNegativeNumber()
                guard ratio <= 1 else { throw value.error("telemetry sampler_ratio must be between 0 and 1") }
                telemetry.samplerRatio = ratio
            }
        }
        return telemetry
    }
}
