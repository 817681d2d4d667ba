import Foundation
import SluiceCore
import SluicePolicy
import Synchronization
import Testing

/// Spending in memory, for the ledger's decisions without a database.
private final class MemoryBudgetStore: BudgetStore {
    let totals = Mutex<[SpendingAccount: USD]>([:])

    func spending(_ accounts: [SpendingAccount]) async throws -> [SpendingAccount: USD] {
        totals.withLock { totals in Dictionary(uniqueKeysWithValues: accounts.map { ($0, totals[$0] ?? .zero) }) }
    }

    func addSpending(_ amount: USD, to accounts: [SpendingAccount], now: Date) async throws -> [SpendingAccount: USD] {
        totals.withLock { totals in
            for account in accounts { totals[account] = (totals[account] ?? .zero) + amount }
            return Dictionary(uniqueKeysWithValues: accounts.map { ($0, totals[$0]!) })
        }
    }
}

@Suite struct BudgetLedgerTests {
    private let keyBudget = Budget(owner: .key(id: "key_a", name: "alice"), limit: USD("0.30")!, period: .day)
    private let teamBudget = Budget(owner: .team(name: "platform"), limit: USD("1")!, period: .month)

    private let clockFile = FileManager.default.temporaryDirectory.appending(path: "sluice-clock-\(UUID().uuidString)")

    private func setClock(_ time: String) throws {
        try time.write(to: clockFile, atomically: true, encoding: .utf8)
    }

    private func ledger(at time: String) throws -> (BudgetLedger, MemoryBudgetStore) {
        try setClock(time)
        let store = MemoryBudgetStore()
        return (BudgetLedger(store: store, clock: WallClock(environment: ["SLUICE_CLOCK_FILE": clockFile.path])), store)
    }

    @Test func theRequestAfterTheOneThatReachedTheBudgetIsRefused() async throws {
        let (ledger, _) = try ledger(at: "2025-11-21T18:00:00Z")
        for _ in 0..<3 {
            let admission = try await ledger.admit([keyBudget, teamBudget])
            #expect(admission.refusal == nil)
            _ = await ledger.charge(USD("0.1")!, to: admission)
        }
        let refused = try await ledger.admit([keyBudget, teamBudget])
        let refusal = try #require(refused.refusal)
        #expect(refusal.category == .rateLimited && refusal.code == "insufficient_quota")
        #expect(
            refusal.message
                == "the daily budget of $0.30 for key 'alice' is spent ($0.30 so far); it resets at 2025-11-22T00:00:00Z")
        #expect(refusal.retryAfter == 21_600.0)
        #expect(refused.statuses.map(\.spent) == [USD("0.3")!, USD("0.3")!])
    }

    @Test func aTeamBudgetIsSharedAndABudgetResetsWithItsPeriod() async throws {
        let (ledger, store) = try ledger(at: "2025-11-30T23:59:00Z")
        let bob = Budget(owner: .key(id: "key_b", name: "bob"), limit: USD("5")!, period: .month)
        _ = await ledger.charge(USD("0.6")!, to: try await ledger.admit([keyBudget, teamBudget]))
        _ = await ledger.charge(USD("0.4")!, to: try await ledger.admit([bob, teamBudget]))
        let refusal = try #require(try await ledger.admit([bob, teamBudget]).refusal)
        #expect(refusal.message.hasPrefix("the monthly budget of $1.00 for team 'platform' is spent ($1.00 so far)"))
        #expect(store.totals.withLock { $0[SpendingAccount(account: "team:platform", period: "month:2025-11")] } == USD("1")!)

        try setClock("2025-12-01T00:00:00Z")
        let next = try await ledger.admit([bob, teamBudget])
        #expect(next.refusal == nil)
        #expect(next.charges.map(\.account.period) == ["month:2025-12", "month:2025-12"])
        try? FileManager.default.removeItem(at: clockFile)
    }

    @Test func nothingIsChargedForAFreeRequestOrACallerWithoutBudgets() async throws {
        let (ledger, store) = try ledger(at: "2025-11-21T18:00:00Z")
        #expect(await ledger.charge(.zero, to: try await ledger.admit([keyBudget])).isEmpty)
        #expect(try await ledger.admit([]).charges.isEmpty)
        #expect(store.totals.withLock { $0.isEmpty })
    }
}
