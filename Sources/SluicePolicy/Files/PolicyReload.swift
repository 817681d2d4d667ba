public import SluiceConfig

/// What one reload did: the policy files it loaded and those it refused.
public struct PolicyReload: Sendable {
    public struct File: Sendable, Hashable {
        public let policy: String
        public let path: String
    }

    public struct Problem: Sendable, Hashable {
        public let policy: String
        public let path: String
        public let error: ConfigurationError
    }

    public var loaded: [File] = []
    public var problems: [Problem] = []
}
