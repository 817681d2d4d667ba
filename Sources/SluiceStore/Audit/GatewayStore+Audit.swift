public import Foundation
public import SluiceCore

extension GatewayStore {
    /// Records an administrative change. `details` must hold no secret.
    public func audit(actor: String, action: String, target: String, details: JSONObject = [:], at: Date = Date()) async throws {
        try await recordAudit(
            AuditEntry(at: at, actor: actor, action: action, target: target, details: JSONValue.object(details).serializedString()))
    }
}
