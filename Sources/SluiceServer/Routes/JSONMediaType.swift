internal import Foundation

/// Whether a `content-type` announces JSON: `application/json` with any parameters (`charset=utf-8`),
/// or any `application/…+json` type. Everything else is refused with 415, a missing header too:
/// the SDKs and Claude Code always send `application/json`, while `curl -d` sends a form type by
/// default, and a body read as something its sender did not mean is a body nobody checked.
enum JSONMediaType {
    static func matches(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let essence = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        return essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
    }
}
