internal import Foundation
internal import SluicePolicy
internal import SluiceStore
#if canImport(Glibc)
internal import Glibc
#endif

/// Who admin commands act as in the audit log: the operating-system user who ran them, at the
/// time of the injectable clock (``SluicePolicy/WallClock``).
enum AuditTrail {
    /// The user running the command: the effective user's name, else `uid:N`.
    static var actor: String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }

    static var clock: WallClock { WallClock(environment: ProcessInfo.processInfo.environment) }

    /// Changes made by this command's user, recorded in the audit log.
    static func administration(_ store: any GatewayStore) -> Administration {
        Administration(store: store, actor: actor, clock: clock)
    }
}
