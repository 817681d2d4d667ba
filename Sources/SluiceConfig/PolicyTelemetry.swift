/// A policy's `telemetry:` section: what traces of its requests may hold.
public struct PolicyTelemetry: Sendable, Hashable {
    /// Whether spans carry the prompt and the answer (`gen_ai.input.messages`,
    /// `gen_ai.output.messages`). Off by default: traces leave the gateway for a collector that
    /// other people read, and the stages (PII scrubbing above all) cannot vouch for it.
    public var captureContent: Bool

    public init(captureContent: Bool = false) {
        self.captureContent = captureContent
    }
}
