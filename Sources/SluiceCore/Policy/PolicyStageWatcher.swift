/// Watches each stage's request phase as ``PolicyRun/prepare(_:watcher:)`` runs it, e.g. in a
/// trace span of its own. Runs without one cost nothing.
public protocol PolicyStageWatcher: Sendable {
    /// Runs `prepare`, the request phase of the stage named `stage`, and returns its verdict.
    func watch(stage: String, _ prepare: () async throws -> PolicyVerdict) async throws -> PolicyVerdict
}
