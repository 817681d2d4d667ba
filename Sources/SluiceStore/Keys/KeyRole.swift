/// What a key may call: the model API, or the admin API.
public enum KeyRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Calls the model API (messages, chat completions, responses, embeddings, models).
    case user
    /// Calls the admin API; the model API too only when the key is also given models, so an admin
    /// credential is never a general-purpose model key by accident.
    case admin
}
