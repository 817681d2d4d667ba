/// One replica of a pool as it stands now, for the admin API's status.
public struct ReplicaState: Sendable, Hashable {
    public let url: String
    /// Whether requests may go to it now (neither ejected nor failing its health check).
    public let available: Bool
    /// Requests it is answering now.
    public let outstanding: Int
    /// Failed requests since it last answered well.
    public let consecutiveFailures: Int
    public let failingHealthCheck: Bool
    /// How much longer an ejection keeps it out; `nil` when it is not ejected.
    public let ejectedFor: Duration?
}
