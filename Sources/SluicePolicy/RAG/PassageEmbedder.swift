/// Turns texts into vectors with a named backend of the server's configuration.
///
/// The policy module cannot reach backends itself (it sits below the server): the server hands
/// the `rag` stage one over its dispatcher, and `sluice rag add` one over the backend alone.
public protocol PassageEmbedder: Sendable {
    /// One vector per text, in order, from backend `backend` asked for `model`.
    func embed(_ texts: [String], backend: String, model: String) async throws -> [[Float]]
}
