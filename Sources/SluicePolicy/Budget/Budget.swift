public import SluiceCore

/// A cap on what one key or one team may spend in each period, set with `sluice keys` or
/// `sluice teams`.
public struct Budget: Sendable, Hashable {
    /// Whose spending the budget caps.
    public enum Owner: Sendable, Hashable {
        case key(id: String, name: String)
        case team(name: String)
    }

    public var owner: Owner
    public var limit: USD
    public var period: BudgetPeriod

    public init(owner: Owner, limit: USD, period: BudgetPeriod) {
        self.owner = owner
        self.limit = limit
        self.period = period
    }

    /// Where the spending table keeps the owner's spending: `key:ID` or `team:NAME`.
    public var account: String {
        switch owner {
        case .key(let id, _): "key:" + id
        case .team(let name): "team:" + name
        }
    }

    /// `key 'alice'`, `team 'platform'`, for messages.
    public var ownerDescription: String {
        switch owner {
        case .key(_, let name): "key '\(name)'"
        case .team(let name): "team '\(name)'"
        }
    }
}
