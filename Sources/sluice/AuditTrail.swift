internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore
#if canImport(Glibc)
internal import Glibc
#endif

/// How admin commands record their changes in the audit log: as the operating-system user who
/// ran them, at the time of the injectable clock (``SluicePolicy/WallClock``).
enum AuditTrail {
    /// The user running the command: the effective user's name, else `uid:N`.
    static var actor: String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }

    static var clock: WallClock { WallClock(environment: ProcessInfo.processInfo.environment) }

    static func record(_ store: any GatewayStore, _ action: String, target: String, details: JSONObject) async throws {
        try await store.audit(actor: actor, action: action, target: target, details: details, at: clock.now())
    }

    /// The fields that differ between two JSON forms of one thing, each as `{"from": …, "to": …}`.
    static func changes(from before: JSONValue, to after: JSONValue) -> JSONObject {
        let old = before.objectValue ?? [:], new = after.objectValue ?? [:]
        var changed = JSONObject()
        for (name, value) in new where old[name] != value {
            changed[name] = ["from": old[name] ?? .null, "to": value]
        }
        return changed
    }

    /// A key as the audit log shows it: what an admin set, never the secret or its hash.
    static func keyDetails(_ key: APIKey) -> JSONObject {
        var details = Output.keyJSON(key).objectValue ?? [:]
        details["last_used_at"] = nil
        details["status"] = nil
        return details
    }
}
