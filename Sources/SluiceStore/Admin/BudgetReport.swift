public import Foundation
internal import SluiceCore
public import SluicePolicy

/// Budgets against what they have spent in their current period, as the servers count it.
public enum BudgetReport {
    public static func status(of budget: Budget?, in store: any GatewayStore, now: Date) async throws -> BudgetStatus? {
        guard let budget else { return nil }
        return try await statuses(of: [budget], in: store, now: now).first
    }

    /// The budgets of every key that may still be used and of every team.
    public static func all(in store: any GatewayStore, now: Date) async throws -> [BudgetStatus] {
        let keys = try await store.listKeys().filter { $0.revokedAt == nil }.compactMap(\.budget)
        let teams = try await store.listTeams().compactMap(\.budget)
        return try await statuses(of: teams + keys, in: store, now: now)
    }

    private static func statuses(of budgets: [Budget], in store: any GatewayStore, now: Date) async throws -> [BudgetStatus] {
        let windows = budgets.map { $0.period.window(containing: now) }
        let accounts = zip(budgets, windows).map { SpendingAccount(account: $0.account, period: $1.label) }
        let spent = accounts.isEmpty ? [:] : try await store.spending(accounts)
        return zip(budgets, zip(accounts, windows)).map { budget, place in
            BudgetStatus(budget: budget, spent: spent[place.0] ?? .zero, resetsAt: place.1.end)
        }
    }
}
