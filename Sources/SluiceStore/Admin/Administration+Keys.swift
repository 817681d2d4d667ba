internal import Foundation
internal import SluiceCore
internal import SluicePolicy

extension Administration {
    /// Mints a key (`key.created`); the secret is in the answer only.
    public func createKey(_ creation: KeyCreation) async throws -> MintedKey {
        try creation.validate()
        let now = clock.now()
        let minted = try await store.createKey(
            name: creation.name, policy: creation.policy, models: creation.models,
            expiresAt: creation.lifetime.map { now.addingTimeInterval($0.timeInterval) }, limits: creation.limits,
            team: creation.team, budget: creation.budget, budgetPeriod: creation.budgetPeriod, role: creation.role, now: now)
        try await record("key.created", target: minted.record.name, details: AdminJSON.keyAuditDetails(minted.record), at: now)
        return minted
    }

    /// Replaces a key's secret (`key.rotated`); the old one keeps working for `grace`.
    public func rotateKey(_ nameOrID: String, grace: Duration = .zero) async throws -> MintedKey {
        guard grace >= .zero else { throw SluiceError.invalidField("grace", "must not be negative") }
        let now = clock.now()
        let minted = try await store.rotateKey(nameOrID, grace: grace, now: now)
        var details: JSONObject = ["id": .string(minted.record.id), "prefix": .string(minted.record.keyPrefix)]
        details["previous_key_expires_at"] = AdminJSON.timestamp(minted.record.previousKeyExpiresAt)
        try await record("key.rotated", target: minted.record.name, details: details, at: now)
        return minted
    }

    /// Revokes a key at once (`key.revoked`); servers refuse it within a second.
    public func revokeKey(_ nameOrID: String) async throws -> APIKey {
        let now = clock.now()
        let key = try await store.revokeKey(nameOrID, now: now)
        try await record(
            "key.revoked", target: key.name, details: ["id": .string(key.id), "revoked_at": AdminJSON.timestamp(key.revokedAt)],
            at: now)
        return key
    }

    /// Changes a key's team, budget, policy or models (`key.updated`, with each field's old and
    /// new value); a change that changes nothing is not recorded.
    public func updateKey(_ nameOrID: String, _ changes: KeyChanges) async throws -> APIKey {
        let before = try await store.findKey(nameOrID)
        var key = before
        switch changes.team {
        case .set(let team): key.team = try await store.findTeam(team).name
        case .clear: key.team = nil
        case nil: break
        }
        switch changes.budget {
        case .set(let amount):
            key.budgetNanodollars = amount.nanodollars
            key.budgetPeriod = changes.budgetPeriod ?? key.budgetPeriod ?? .month
        case .clear:
            guard changes.budgetPeriod == nil else {
                throw SluiceError.invalidField("budget_period", "cannot change with the budget removed")
            }
            key.budgetNanodollars = nil
            key.budgetPeriod = nil
        case nil:
            if let period = changes.budgetPeriod {
                guard key.budgetNanodollars != nil else {
                    throw SluiceError.invalidRequest("key '\(key.name)' has no budget whose period could change: give a budget too")
                }
                key.budgetPeriod = period
            }
        }
        if let policy = changes.policy { key.policy = policy.value }
        if let models = changes.models { key.models = models }
        let changed = AdminJSON.changes(from: AdminJSON.key(before), to: AdminJSON.key(key))
        guard !changed.isEmpty else { return key }
        try await store.updateKey(key)
        var details: JSONObject = ["id": .string(key.id)]
        for (field, change) in changed { details[field] = change }
        try await record("key.updated", target: key.name, details: details, at: clock.now())
        return key
    }
}
