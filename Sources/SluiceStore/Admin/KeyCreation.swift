public import SluiceCore
public import SluicePolicy

/// What a new key should be: its name and role, and what it may do.
public struct KeyCreation: Sendable, Hashable {
    public var name: String
    public var role: KeyRole
    /// The policy for the key's requests; `nil`: the team's, else the configured default.
    public var policy: String?
    /// Globs over the models the key may use; empty: every model (for an admin key: none).
    public var models: [String]
    /// How long the key is valid; `nil`: no expiry.
    public var lifetime: Duration?
    public var limits: KeyLimits
    /// A team that must exist.
    public var team: String?
    public var budget: USD?
    /// The budget's period; monthly when a budget is given without one.
    public var budgetPeriod: BudgetPeriod?

    public init(
        name: String, role: KeyRole = .user, policy: String? = nil, models: [String] = [], lifetime: Duration? = nil,
        limits: KeyLimits = KeyLimits(), team: String? = nil, budget: USD? = nil, budgetPeriod: BudgetPeriod? = nil
    ) {
        self.name = name
        self.role = role
        self.policy = policy
        self.models = models
        self.lifetime = lifetime
        self.limits = limits
        self.team = team
        self.budget = budget
        self.budgetPeriod = budgetPeriod
    }

    /// Refuses what no key may be, naming the field at fault.
    public func validate() throws(SluiceError) {
        guard Self.isValidName(name) else { throw SluiceError.invalidField("name", "must be non-empty and without spaces") }
        for (field, value) in [
            ("requests_per_minute", limits.requestsPerMinute), ("tokens_per_minute", limits.tokensPerMinute),
            ("concurrency", limits.concurrency),
        ] {
            if let value, value < 1 { throw SluiceError.invalidField(field, "must be a positive number") }
        }
        if let lifetime, lifetime <= .zero { throw SluiceError.invalidField("expires_in", "must be a positive duration") }
        if budgetPeriod != nil, budget == nil { throw SluiceError.invalidField("budget_period", "goes with budget_usd") }
    }

    /// Names of keys and teams: non-empty, no white space (they are typed on command lines).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: \.isWhitespace)
    }
}
