/// The database could not be reached (down, restarting, or too slow to answer).
///
/// The server answers a request that needed it with 503 and a `retry-after`, in the caller's
/// protocol; nothing else fails.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "database unavailable: \(reason)" }
}
