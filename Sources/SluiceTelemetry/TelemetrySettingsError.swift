/// A telemetry setting that cannot be honoured; the server refuses to start rather than run
/// without the traces it was asked for.
public struct TelemetrySettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
