internal import Foundation
internal import SluiceCore
public import SluicePolicy

/// Administrative changes as `sluice keys|teams …` and the admin API make them: each checked,
/// stored, and recorded in the audit log under `actor`, with the action names `sluice audit` shows
/// (`key.created`, `key.rotated`, `key.revoked`, `key.updated`, `team.created`, `team.updated`,
/// `team.removed`). Audit details never hold a secret.
public struct Administration: Sendable {
    public let store: any GatewayStore
    /// Who makes the changes: the operating-system user for the CLI, `admin:NAME` for the admin API.
    public let actor: String
    /// The time changes are made at (an injectable clock, so tests can move it).
    public let clock: WallClock

    public init(store: any GatewayStore, actor: String, clock: WallClock) {
        self.store = store
        self.actor = actor
        self.clock = clock
    }

    func record(_ action: String, target: String, details: JSONObject, at: Date) async throws {
        try await store.audit(actor: actor, action: action, target: target, details: details, at: at)
    }
}
