internal import Logging
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// What requests cost and whether their budgets let them start: the configured prices, the
/// budget ledger, and the metrics that show spending against budgets.
struct Accounting: Sendable {
    var prices = PriceTable()
    /// `nil` where budgets are not enforced (a gateway built without a store, in tests).
    var ledger: BudgetLedger?
    var metrics: GatewayMetrics?

    /// The budgets of `caller` and its team, checked against what they have spent this period.
    func admit(caller: APIKey, team: Team?) async throws -> BudgetAdmission {
        let budgets = [caller.budget, team?.budget].compactMap { $0 }
        guard let ledger, !budgets.isEmpty else { return .unbudgeted }
        let admission = try await ledger.admit(budgets)
        for status in admission.statuses { metrics?.recordBudget(status) }
        return admission
    }

    /// What `usage` cost: nothing for an answer from Sluice's response cache, which no backend billed.
    func cost(of usage: Usage, model: String, backend: String?) -> USD {
        backend == "cache" ? .zero : prices.cost(of: usage, model: model)
    }

    /// Charges a finished request to the budgets it was admitted under.
    func charge(_ cost: USD, to admission: BudgetAdmission) async {
        guard let ledger else { return }
        for status in await ledger.charge(cost, to: admission) { metrics?.recordBudget(status) }
    }
}
