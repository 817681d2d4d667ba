/// Builds a stage from its section of a policy file. Built-in and custom stages are registered
/// by name; a policy lists the names it uses, in the order they run.
public protocol PolicyStageFactory: Sendable {
    /// The stage's name in policy files (`pii`, `rate_limit`, `cache`, `content`, or a custom one).
    var name: String { get }

    /// A stage configured from `settings` (the stage's section of the file, `{}` when absent).
    /// Errors name the offending field through the cursor's path, which the loader turns into a line.
    func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage
}

/// What stages may share across policies and reloads: durable state lives here, not in a stage,
/// so reloading a policy file does not reset a key's counters or empty the cache.
public struct PolicyEnvironment: Sendable {
    /// Shared services by name (a rate-limit ledger, the cache store), set up by the server.
    private let services: [String: any Sendable]

    public init(services: [String: any Sendable] = [:]) {
        self.services = services
    }

    public func service<Service: Sendable>(_ name: String, as type: Service.Type = Service.self) -> Service? {
        services[name] as? Service
    }
}
