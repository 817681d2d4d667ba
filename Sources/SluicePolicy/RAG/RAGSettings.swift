internal import SluiceCore

/// The `rag` section of a policy.
struct RAGSettings: Sendable, Hashable {
    enum ErrorHandling: String, Sendable, Hashable {
        /// A retrieval that fails refuses the request (503), as the other stages fail closed.
        case refuse
        /// The request goes on without passages.
        case skip
    }

    var collections: [String] = []
    var topK = 4
    var maxContextTokens = 2000
    var minScore = 0.0
    var mode = RetrievalMode.hybrid
    var onError = ErrorHandling.refuse

    static let settingNames = ["collections", "top_k", "max_context_tokens", "min_score", "mode", "on_error"]

    /// Reads the section; `collections` is required, the rest have defaults. Unknown fields are
    /// errors, so a misspelt setting is caught when the policy loads.
    init(settings: JSONCursor) throws(SluiceError) {
        guard try settings.isSettingsSection(of: Self.settingNames), let field = try settings.optional("collections") else {
            throw .invalidRequest("collections: name at least one collection (sluice rag list shows them)")
        }
        collections = try field.strings()
        guard !collections.isEmpty else { throw .invalidRequest("\(field.path): name at least one collection") }
        topK = try Self.positive(settings, "top_k") ?? topK
        maxContextTokens = try Self.positive(settings, "max_context_tokens") ?? maxContextTokens
        if let field = try settings.optional("min_score") {
            guard let value = field.value.doubleValue else { throw .invalidRequest("\(field.path): expected a number") }
            minScore = value
        }
        if let field = try settings.optional("mode") {
            guard let mode = RetrievalMode(rawValue: try field.string()) else {
                throw .invalidRequest("\(field.path): expected keyword, vector or hybrid")
            }
            self.mode = mode
        }
        if let field = try settings.optional("on_error") {
            guard let handling = ErrorHandling(rawValue: try field.string()) else {
                throw .invalidRequest("\(field.path): expected refuse or skip")
            }
            onError = handling
        }
    }

    private static func positive(_ settings: JSONCursor, _ name: String) throws(SluiceError) -> Int? {
        guard let field = try settings.optional(name) else { return nil }
        guard let value = field.value.intValue, value > 0 else { throw .invalidRequest("\(field.path): expected a positive integer") }
        return value
    }
}
