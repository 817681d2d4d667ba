internal import Logging
internal import SluiceConfig
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// Records in the audit log each policy file the server loads or refuses, as `sluice serve`.
struct PolicyAuditor: Sendable {
    static let actor = "sluice serve"

    let store: any GatewayStore
    let clock: WallClock
    let logger: Logger

    func record(_ reload: PolicyReload) async {
        do {
            for file in reload.loaded {
                try await store.audit(
                    actor: Self.actor, action: "policy.loaded", target: file.policy, details: ["file": .string(file.path)], at: clock.now())
            }
            for problem in reload.problems {
                try await store.audit(
                    actor: Self.actor, action: "policy.refused", target: problem.policy,
                    details: ["file": .string(problem.path), "reason": .string(problem.error.description)], at: clock.now())
            }
        } catch {
            logger.error("could not record a policy reload in the audit log", metadata: ["error": "\(error)"])
        }
    }
}
