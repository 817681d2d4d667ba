import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

/// Changes made through ``Administration`` (the CLI's and the admin API's): checked, stored with
/// the key's role, and audited under the actor, the same on both stores.
@Suite struct AdministrationTests {
    @Test(arguments: StoreKind.allCases) func anAdminKeyKeepsItsRoleAndMayCallModelsOnlyWhenGivenSome(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, openAnother in
            let administration = Administration(store: store, actor: "admin:alice", clock: WallClock())
            let admin = try await administration.createKey(KeyCreation(name: "ops", role: .admin))
            let modelled = try await administration.createKey(KeyCreation(name: "ops-models", role: .admin, models: ["gpt-*"]))
            let plain = try await administration.createKey(KeyCreation(name: "dev"))
            let other = try await openAnother()
            #expect(try await other.findKey("ops").role == .admin)
            #expect(try await other.findKey("dev").role == .user)
            guard case .success(let authenticated) = try await other.authentication(of: admin.secret) else {
                Issue.record("the admin key did not authenticate")
                return
            }
            #expect(authenticated.role == .admin && !authenticated.mayCallModelAPI)
            #expect(modelled.record.mayCallModelAPI && plain.record.mayCallModelAPI)
            let actors = try await store.auditEntries(since: .distantPast).map(\.actor)
            #expect(actors == ["admin:alice", "admin:alice", "admin:alice"])
        }
    }

    @Test(arguments: StoreKind.allCases) func updatesAreCheckedAndOnlyRealChangesAreAudited(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            let administration = Administration(store: store, actor: "admin:bob", clock: WallClock())
            _ = try await administration.createTeam(name: "platform", budget: USD("10"))
            _ = try await administration.createKey(KeyCreation(name: "carol"))
            await #expect(throws: SluiceError.self) {
                // A period alone needs a budget to change.
                try await administration.updateKey("carol", KeyChanges(budgetPeriod: .day))
            }
            await #expect(throws: SluiceError.self) {
                try await administration.updateKey("carol", KeyChanges(team: .set("nobody")))
            }
            let updated = try await administration.updateKey(
                "carol", KeyChanges(team: .set("platform"), budget: .set(USD("2")!), models: ["gpt-*"]))
            #expect(updated.team == "platform" && updated.budgetPeriod == .month && updated.models == ["gpt-*"])
            _ = try await administration.updateKey("carol", KeyChanges(team: .set("platform")))
            await #expect(throws: SluiceError.self) { try await administration.removeTeam("platform") }
            let cleared = try await administration.updateKey("carol", KeyChanges(team: .clear, budget: .clear, models: []))
            #expect(cleared.team == nil && cleared.budget == nil && cleared.models.isEmpty)
            _ = try await administration.removeTeam("platform")
            let actions = try await store.auditEntries(since: .distantPast).map(\.action)
            #expect(actions == ["team.created", "key.created", "key.updated", "key.updated", "team.removed"])
        }
    }

    @Test func keyCreationRefusesWhatNoKeyMayBe() {
        for creation in [
            KeyCreation(name: ""), KeyCreation(name: "two words"), KeyCreation(name: "k", lifetime: .zero),
            KeyCreation(name: "k", limits: KeyLimits(requestsPerMinute: 0)), KeyCreation(name: "k", budgetPeriod: .day),
        ] {
            #expect(throws: SluiceError.self) { try creation.validate() }
        }
        #expect(throws: Never.self) { try KeyCreation(name: "k", role: .admin, budget: USD("1"), budgetPeriod: .week).validate() }
    }

    @Test func changesNameEachFieldThatDiffers() {
        let changes = AdminJSON.changes(from: ["a": 1, "b": "x", "c": .null], to: ["a": 1, "b": "y", "c": true])
        #expect(changes == ["b": ["from": "x", "to": "y"], "c": ["from": .null, "to": true]])
    }
}
