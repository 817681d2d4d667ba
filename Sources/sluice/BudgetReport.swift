internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// Budgets against what they have spent in their current period, as the server counts it.
enum BudgetReport {
    static func status(of budget: Budget?, in store: any GatewayStore) async throws -> BudgetStatus? {
        guard let budget else { return nil }
        return try await statuses(of: [budget], in: store).first
    }

    /// The budgets of every key that may still be used and of every team.
    static func all(in store: any GatewayStore) async throws -> [BudgetStatus] {
        let keys = try await store.listKeys().filter { $0.revokedAt == nil }.compactMap(\.budget)
        let teams = try await store.listTeams().compactMap(\.budget)
        return try await statuses(of: teams + keys, in: store)
    }

    private static func statuses(of budgets: [Budget], in store: any GatewayStore) async throws -> [BudgetStatus] {
        let now = AuditTrail.clock.now()
        let windows = budgets.map { $0.period.window(containing: now) }
        let accounts = zip(budgets, windows).map { SpendingAccount(account: $0.account, period: $1.label) }
        let spent = accounts.isEmpty ? [:] : try await store.spending(accounts)
        return zip(budgets, zip(accounts, windows)).map { budget, place in
            BudgetStatus(budget: budget, spent: spent[place.0] ?? .zero, resetsAt: place.1.end)
        }
    }

    static func json(_ status: BudgetStatus) -> JSONValue {
        let (scope, name): (String, String) =
            switch status.budget.owner {
            case .key(_, let name): ("key", name)
            case .team(let name): ("team", name)
            }
        return [
            "scope": .string(scope), "name": .string(name), "period": .string(status.budget.period.rawValue),
            "budget_usd": .double(status.budget.limit.dollars), "spent_usd": .double(status.spent.dollars),
            "resets_at": Output.timestamp(status.resetsAt),
        ]
    }

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
