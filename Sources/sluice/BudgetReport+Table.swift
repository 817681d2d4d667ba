internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

extension BudgetReport {
    /// Budgets as aligned columns, with the share of each that is spent.
    static func table(_ statuses: [BudgetStatus]) -> String {
        let rows = statuses.map { status in
            let share = status.budget.limit.nanodollars > 0 ? Double(status.spent.nanodollars) / Double(status.budget.limit.nanodollars) : 1
            return [
                status.budget.ownerDescription, status.budget.period.rawValue, "\(status.spent)", "\(status.budget.limit)",
                "\(Int((share * 100).rounded()))%", Output.text(status.resetsAt),
            ]
        }
        return Output.table([["BUDGET", "PERIOD", "SPENT", "LIMIT", "USED", "RESETS"]] + rows)
    }
}
