import Foundation

/// A throwaway PostgreSQL server for tests: `initdb` in a temporary folder (as the `postgres`
/// user when the tests run as root), started on a free loopback port, stopped and removed when
/// the test process exits. Each test asks it for a database of its own.
public final class TestPostgresCluster: Sendable {
    /// The one cluster of this test process, started on first use.
    public static var shared: TestPostgresCluster {
        get throws { try started.get() }
    }

    private static let started: Result<TestPostgresCluster, any Error> = Result {
        let cluster = try TestPostgresCluster()
        atexit { try? TestPostgresCluster.started.get().stop() }
        return cluster
    }

    public let port: Int
    private let folder: String
    private let binaries: String

    private init() throws {
        binaries = try Self.findBinaries()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", folder]) }
        port = try Self.freePort()
        try runAsPostgres("initdb", ["-D", folder + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        try runAsPostgres(
            "pg_ctl",
            [
                "-D", folder + "/data", "-l", folder + "/log", "-w", "-o",
                "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                "start",
            ])
    }

    /// A new empty database, as a `postgres://` URL.
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try runAsPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", String(name)])
        return url(database: String(name))
    }

    /// The URL of `database` on this cluster.
    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Runs one SQL statement through `psql` and returns what it printed (unaligned, no headers).
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        try runAsPostgres("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-At", "-d", database, "-c", sql])
    }

    private func stop() {
        _ = try? runAsPostgres("pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    @discardableResult
    private func runAsPostgres(_ tool: String, _ arguments: [String]) throws -> String {
        let path = binaries + "/" + tool
        if getuid() == 0 { return try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) }
        return try Self.run(path, arguments)
    }

    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) })
        where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw TestPostgresError("PostgreSQL is not installed (scripts/setup --test installs it)")
    }

    private static func freePort() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestPostgresError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `path` and waits for it. Spawned directly rather than through Foundation's `Process`,
    /// whose wait never returned for `pg_ctl start` (it leaves the server running).
    private static func run(_ path: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-pg-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw TestPostgresError("cannot create \(outputPath)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(output)
        guard spawned == 0 else { throw TestPostgresError("cannot run \(path): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestPostgresError("\((path as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why the test cluster could not be used.
public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
