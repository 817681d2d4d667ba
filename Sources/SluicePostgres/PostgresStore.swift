internal import Foundation
public import Logging
internal import PostgresNIO
public import SluicePolicy
public import SluiceStore
internal import Synchronization

/// The store on PostgreSQL, so that several Sluice replicas act as one gateway: keys, usage,
/// quotas, the response cache and the rate-limit counters live in one database.
///
/// Every call has a deadline and any failure to reach the database becomes
/// ``SluiceStore/StoreUnavailable`` (answered 503 by the server). After such a failure, calls
/// fail at once for a moment instead of each waiting out its deadline, and the pool reconnects
/// by itself when the database is back.
public final class PostgresStore: GatewayStore {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let url: PostgresURL
    let logger: Logger
    let lastUsedThrottle = LastUsedThrottle()
    private let unavailableUntil = Mutex<ContinuousClock.Instant?>(nil)
    /// How long a call may take before the database counts as unreachable.
    private let deadline: Duration = .seconds(3)
    /// How long calls fail at once after the database was found unreachable.
    private let backoff: Duration = .milliseconds(500)

    public let appliedMigrations: [Migration]

    /// Connects to the database at `url` with up to `poolSize` connections, and applies pending
    /// migrations under an advisory lock (replicas starting together apply each once).
    ///
    /// - Throws: ``SluiceStore/StoreOpeningError`` for an unusable URL or a schema newer than
    ///   this build; ``SluiceStore/StoreUnavailable`` when the database cannot be reached.
    public static func open(
        url text: String, poolSize: Int = 16, passwordEnvironmentVariable: String? = nil,
        migrations: [Migration] = Migration.postgres, logger: Logger = Logger(label: "sluice.postgres")
    ) async throws -> PostgresStore {
        let url = try PostgresURL(text, passwordEnvironmentVariable: passwordEnvironmentVariable)
        let client = PostgresClient(configuration: try url.clientConfiguration(poolSize: poolSize), backgroundLogger: logger)
        let runner = Task { await client.run() }
        do {
            // An unreachable or unresolvable host is reported in seconds, not after the pool's minute of retries.
            let applied = try await within(.seconds(15), "PostgreSQL at \(url.host):\(url.port) did not answer within 15 s") {
                try await PostgresMigrator(migrations: migrations).migrate(client, logger: logger)
            }
            return PostgresStore(client: client, runner: runner, url: url, logger: logger, appliedMigrations: applied)
        } catch {
            runner.cancel()
            await runner.value
            if error is StoreOpeningError { throw error }
            throw StoreUnavailable(Self.describe(error, at: url))
        }
    }

    private init(client: PostgresClient, runner: Task<Void, Never>, url: PostgresURL, logger: Logger, appliedMigrations: [Migration]) {
        self.client = client
        self.runner = runner
        self.url = url
        self.logger = logger
        self.appliedMigrations = appliedMigrations
    }

    public var location: String { url.redacted }

    public var sharedCounters: (any SharedCounterStore)? { self }

    public func migrationVersions() async throws -> [Int] {
        try await run { client in
            try await client.query("SELECT version FROM sluice_migrations ORDER BY version").collect().map {
                try $0.decode(Int.self)
            }
        }
    }

    public func isReachable() async -> Bool {
        (try? await run { client in try await client.query("SELECT 1").collect().count }) == 1
    }

    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Runs `operation` against the pool within the deadline, turning any failure to reach the
    /// database into ``SluiceStore/StoreUnavailable``. Errors the server reports about the
    /// statement itself (a constraint, say) pass through.
    @discardableResult
    func run<Result: Sendable>(
        deadline: Duration? = nil, _ operation: @escaping @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        if let until = unavailableUntil.withLock({ $0 }), ContinuousClock.now < until {
            throw StoreUnavailable("PostgreSQL at \(url.host):\(url.port) did not answer a moment ago")
        }
        let client = client
        let limit = deadline ?? self.deadline
        do {
            let result = try await Self.within(limit, "PostgreSQL did not answer within \(limit)") { try await operation(client) }
            unavailableUntil.withLock { $0 = nil }
            return result
        } catch let error as PSQLError where error.code == .server && !Self.isUnavailable(error) {
            throw PostgresStatementError(
                sqlState: error.serverInfo?[.sqlState] ?? "?????", message: error.serverInfo?[.message] ?? "\(error.code)")
        } catch let error where error is CancellationError || Task.isCancelled {
            throw error
        } catch {
            unavailableUntil.withLock { $0 = .now + backoff }
            if let unavailable = error as? StoreUnavailable { throw unavailable }
            throw StoreUnavailable(Self.describe(error, at: url))
        }
    }

    /// The result of `operation`, or ``SluiceStore/StoreUnavailable`` saying `message` once `limit` has passed.
    private static func within<Result: Sendable>(
        _ limit: Duration, _ message: String, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw StoreUnavailable(message) }
            return value
        }
    }

    /// Server errors that mean "not now" rather than "wrong statement": shutting down, starting
    /// up, out of connections or resources.
    private static func isUnavailable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("57") || state.hasPrefix("08") || state.hasPrefix("53")
    }

    /// A description for logs: the error's kind and the server's message, never a query's values.
    static func describe(_ error: any Error, at url: PostgresURL) -> String {
        let place = "PostgreSQL at \(url.host):\(url.port)"
        guard let error = error as? PSQLError else {
            // The pool reports only that its connection attempts keep failing.
            return "\(place) refused or did not answer the connection"
        }
        if let message = error.serverInfo?[.message] { return "\(place): \(message)" }
        if let underlying = error.underlying { return "\(place): \(underlying)" }
        return "\(place): \(error.code)"
    }

    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(of error: any Error) -> String? {
        (error as? PostgresStatementError)?.sqlState
    }
}
