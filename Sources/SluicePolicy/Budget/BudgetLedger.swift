internal import Foundation
public import Logging
public import SluiceCore

/// Decides whether a request may start under its key's and its team's budgets, and charges what
/// it cost when it ends.
///
/// Spending is read from the ``BudgetStore`` at every admission, never from this process's
/// memory, so on PostgreSQL a budget holds across all replicas exactly as it would on one. A
/// request is refused once the spending of the current period has reached the budget; one that
/// starts within budget runs to its end and is charged then, so a budget is overspent by at most
/// the cost of the requests already running when it ran out.
///
/// A warning is logged once per budget and period, by whichever request's charge crosses 80%:
/// the store's atomic addition tells exactly one request, on whichever replica, that it crossed.
public final class BudgetLedger: Sendable {
    private let store: any BudgetStore
    private let clock: WallClock
    private let logger: Logger

    public init(store: any BudgetStore, clock: WallClock = WallClock(), logger: Logger = Logger(label: "sluice.budget")) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Reads the spending of each of `budgets` in its current period and refuses the request if
    /// any is spent (naming the first).
    ///
    /// - Throws: when the spending cannot be read (the request is then refused with the error).
    public func admit(_ budgets: [Budget]) async throws -> BudgetAdmission {
        guard !budgets.isEmpty else { return .unbudgeted }
        let now = clock.now()
        let charges = budgets.map { budget in
            let window = budget.period.window(containing: now)
            return BudgetAdmission.Charge(
                budget: budget, account: SpendingAccount(account: budget.account, period: window.label), resetsAt: window.end)
        }
        let spent = try await store.spending(charges.map(\.account))
        let statuses = charges.map { BudgetStatus(budget: $0.budget, spent: spent[$0.account] ?? .zero, resetsAt: $0.resetsAt) }
        let refusal = statuses.first(where: \.isSpent).map { Self.refusal($0, now: now) }
        return BudgetAdmission(charges: charges, statuses: statuses, refusal: refusal)
    }

    /// Charges `cost` to the budgets the request was admitted under, in the periods it started
    /// in; returns their spending afterwards. A failure to write is logged (the usage row still
    /// records the cost) and returns nothing.
    public func charge(_ cost: USD, to admission: BudgetAdmission) async -> [BudgetStatus] {
        guard cost > .zero, !admission.charges.isEmpty else { return [] }
        let totals: [SpendingAccount: USD]
        do {
            totals = try await store.addSpending(cost, to: admission.charges.map(\.account), now: clock.now())
        } catch {
            logger.error("could not charge a request to its budgets", metadata: ["cost": "\(cost)", "error": "\(error)"])
            return []
        }
        return admission.charges.map { charge in
            let status = BudgetStatus(budget: charge.budget, spent: totals[charge.account] ?? cost, resetsAt: charge.resetsAt)
            let warning = Double(charge.budget.limit.nanodollars) * 0.8
            if Double((status.spent - cost).nanodollars) < warning, Double(status.spent.nanodollars) >= warning {
                logger.warning(
                    "budget 80% spent",
                    metadata: [
                        "budget": "\(charge.budget.ownerDescription)", "spent": "\(status.spent)", "limit": "\(charge.budget.limit)",
                        "period": "\(charge.budget.period.rawValue)", "resets_at": "\(charge.resetsAt.formatted(.iso8601))",
                    ])
            }
            return status
        }
    }

    static func refusal(_ status: BudgetStatus, now: Date) -> SluiceError {
        let budget = status.budget
        let resets = status.resetsAt.formatted(.iso8601)
        let wait = max(1, status.resetsAt.timeIntervalSince(now).rounded(.up))
        return SluiceError(
            .rateLimited,
            "the \(budget.period.adjective) budget of \(budget.limit) for \(budget.ownerDescription) is spent (\(status.spent) so far); it resets at \(resets)",
            retryAfter: wait, code: "insufficient_quota")
    }
}
