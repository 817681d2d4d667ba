public import Foundation

/// One administrative change, as `sluice audit` shows it: who made it, when, what it did to
/// what, and the values it set. Details never hold a secret (a key appears by name, id and prefix).
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64?
    public var at: Date
    /// The operating-system user for the CLI; `sluice serve` for what the server does itself.
    public var actor: String
    /// `key.created`, `key.rotated`, `key.revoked`, `key.updated`, `team.created`, `team.updated`,
    /// `team.removed`, `policy.loaded`, `policy.refused`.
    public var action: String
    /// The key, team or policy file changed.
    public var target: String
    /// What changed, as a flat JSON object.
    public var details: String

    public init(id: Int64? = nil, at: Date, actor: String, action: String, target: String, details: String = "{}") {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
    }
}
