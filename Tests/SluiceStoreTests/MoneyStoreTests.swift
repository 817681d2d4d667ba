import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

/// Teams, budgets, spending, costs and the audit log, the same on both stores.
@Suite struct MoneyStoreTests {
    @Test(arguments: StoreKind.allCases) func spendingIsAddedAtomicallyAndReadBackPerPeriod(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, openAnother in
            let may = SpendingAccount(account: "team:platform", period: "month:2025-05")
            let june = SpendingAccount(account: "team:platform", period: "month:2025-06")
            let key = SpendingAccount(account: "key:key_a", period: "day:2025-06-02")
            #expect(try await store.spending([may, key]) == [may: .zero, key: .zero])
            let other = try await openAnother()
            // Two handles (two replicas) charging at once each add to the latest total.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for handle in [store, other] {
                    for _ in 0..<10 {
                        group.addTask { _ = try await handle.addSpending(USD("0.01")!, to: [june, key], now: Date()) }
                    }
                }
                try await group.waitForAll()
            }
            let after = try await store.addSpending(USD("0.05")!, to: [june], now: Date())
            #expect(after == [june: USD("0.25")!])
            #expect(try await other.spending([may, june, key]) == [may: .zero, june: USD("0.25")!, key: USD("0.2")!])
        }
    }

    @Test(arguments: StoreKind.allCases) func teamsAndKeyBudgetsAreStored(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let created = Date(timeIntervalSince1970: 1_760_000_000)
            try await store.insertTeam(Team(name: "platform", policy: "strict", budget: USD("50"), budgetPeriod: .week, createdAt: created))
            await #expect(throws: SluiceError.self) { try await store.insertTeam(Team(name: "platform", createdAt: created)) }
            let minted = try await store.createKey(name: "alice", team: "platform", budget: USD("2.5"), budgetPeriod: .day)
            await #expect(throws: SluiceError.self) { try await store.createKey(name: "bob", team: "nobody") }

            let key = try await store.findKey("alice")
            #expect(key.team == "platform")
            #expect(key.budget == Budget(owner: .key(id: minted.record.id, name: "alice"), limit: USD("2.5")!, period: .day))
            var team = try await store.findTeam("platform")
            #expect(team.budget == Budget(owner: .team(name: "platform"), limit: USD("50")!, period: .week))
            #expect(team.policy == "strict")

            team.budgetNanodollars = nil
            team.policy = nil
            try await store.updateTeam(team)
            #expect(try await store.listTeams().map(\.budget) == [nil])
            // A team with keys is not removed; once they moved, it is.
            await #expect(throws: SluiceError.self) { try await store.removeTeam("platform") }
            var moved = key
            moved.team = nil
            try await store.updateKey(moved)
            try await store.removeTeam("platform")
            #expect(try await store.listTeams().isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func usageRowsKeepTheirCostAndTeam(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            func row(_ key: String, team: String?, cost: Double) -> UsageRecord {
                UsageRecord(
                    createdAt: Date(), keyID: key, keyName: key, model: "m", backend: "b", endpoint: "messages", stream: false, status: 200,
                    durationMilliseconds: 1, costUSD: cost, team: team)
            }
            try await store.recordUsage(
                [row("a", team: "t", cost: 0.25), row("b", team: "t", cost: 0.5), row("c", team: nil, cost: 0.125)], journal: "j",
                segment: 1)
            let teams = try await store.usageSummary(since: Date(timeIntervalSince1970: 0), until: nil, keyName: nil, by: .team)
            #expect(teams.map { [$0.team, "\($0.requests)", "\($0.costUSD)"] } == [["t", "2", "0.75"], ["-", "1", "0.125"]])
            let days = try await store.usageSummary(since: Date(timeIntervalSince1970: 0), until: nil, keyName: nil, by: .day)
            #expect(days.count == 1 && days[0].day?.count == 10 && days[0].costUSD == 0.875)
            #expect(try await store.usage(afterID: 0, limit: 10).map(\.costUSD) == [0.25, 0.5, 0.125])
            let line = row("a", team: "t", cost: 0.000105)
            #expect(UsageRecord(journalLine: line.journalLine)?.costUSD == 0.000105)
        }
    }

    @Test(arguments: StoreKind.allCases) func auditEntriesComeBackInOrderSinceATime(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            try await store.audit(actor: "alice", action: "team.created", target: "platform", details: ["budget_usd": 50], at: start)
            try await store.audit(actor: "bob", action: "key.revoked", target: "ci", at: start.addingTimeInterval(60))
            #expect(try await store.auditEntries(since: start).map(\.action) == ["team.created", "key.revoked"])
            let later = try await store.auditEntries(since: start.addingTimeInterval(1))
            #expect(later.map { [$0.actor, $0.target, $0.details] } == [["bob", "ci", "{}"]])
            #expect(try await store.auditEntries(since: start).first?.details == #"{"budget_usd":50}"#)
        }
    }
}
