public import SluiceCore

/// A policy ready to run: its stages, built from its file, in order.
public struct CompiledPolicy: Sendable {
    public let name: String
    public let file: String
    public let stages: [any PolicyStage]

    public init(name: String, file: String, stages: [any PolicyStage]) {
        self.name = name
        self.file = file
        self.stages = stages
    }
}
