public import SluiceConfig
public import SluiceCore

/// A policy ready to run: its stages, built from its file, in order.
public struct CompiledPolicy: Sendable {
    public let name: String
    public let file: String
    public let stages: [any PolicyStage]
    /// What traces of its requests may hold.
    public let telemetry: PolicyTelemetry

    public init(name: String, file: String, stages: [any PolicyStage], telemetry: PolicyTelemetry = PolicyTelemetry()) {
        self.name = name
        self.file = file
        self.stages = stages
        self.telemetry = telemetry
    }
}
