internal import SluiceConfig
internal import SluiceCore

/// The `cache` section of a policy.
struct CacheSettings: Sendable, Hashable {
    enum Scope: String, Sendable, Hashable {
        /// Each key has its own entries: one key's answers never reach another.
        case key
        /// One cache for every key under the policy.
        case shared
    }

    var enabled = true
    var scope = Scope.key
    var bounds = CacheBounds(ttl: 3600, maxEntries: 10_000, maxBytes: 256 << 20)

    static let settingNames = ["enabled", "scope", "ttl", "max_entries", "max_bytes"]

    init() {}

    /// Reads the section; absent fields keep their defaults (listing the stage enables it).
    /// Unknown fields are errors, so a misspelt setting is caught when the policy loads.
    init(settings: JSONCursor) throws(SluiceError) {
        guard try settings.isSettingsSection(of: Self.settingNames) else { return }
        if let field = try settings.optional("enabled") { enabled = try field.bool() }
        if let field = try settings.optional("scope") {
            guard let scope = Scope(rawValue: try field.string()) else {
                throw .invalidRequest("\(field.path): expected 'key' or 'shared'")
            }
            self.scope = scope
        }
        if let field = try settings.optional("ttl") {
            // A duration (`1h`, `10m`, `30s`) or a number of seconds.
            let seconds: Double? =
                if case .string(let text) = field.value { DurationParser.parse(text).map(\.timeInterval) } else { field.value.doubleValue }
            guard let seconds, seconds > 0 else {
                throw .invalidRequest("\(field.path): expected a positive duration such as 30s, 10m, 1h or 7d")
            }
            bounds.ttl = seconds
        }
        bounds.maxEntries = try Self.positive(settings, "max_entries") ?? bounds.maxEntries
        bounds.maxBytes = try Self.positive(settings, "max_bytes") ?? bounds.maxBytes
    }

    private static func positive(_ settings: JSONCursor, _ name: String) throws(SluiceError) -> Int? {
        guard let field = try settings.optional(name) else { return nil }
        guard let value = field.value.intValue, value > 0 else { throw .invalidRequest("\(field.path): expected a positive integer") }
        return value
    }
}
