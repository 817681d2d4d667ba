internal import Foundation
internal import Hummingbird
internal import SluiceCurl
internal import SluiceTestSupport
internal import Synchronization

// sluice-bench [--sluice PATH] [--requests N] [--policies DIR] [--streams N] [--postgres URL|auto]
//
// Measures one mock upstream on loopback directly and through Sluice, in the same run:
// requests/s, p50 and p99 latency (time to first byte for streams) at concurrency 1, 8 and 64,
// what Sluice adds, and the CPU time the sluice process spent per request (user + system, from
// /proc). Then the memory (RSS) of sluice holding N concurrent slow streams (default 1000).
// Sluice runs its default policy from DIR (default: policies, so the shipped pii, content,
// rate-limit and cache stages are part of the figure); the benchmark's key has limits high
// enough never to be refused. Build both in release: `swift build -c release`.
//
// Then plain HTTP against HTTPS (HTTP/1.1 and HTTP/2) on the listener. With --postgres, the same load on Sluice's SQLite store, on PostgreSQL, and on three replicas
// sharing PostgreSQL, side by side (`auto` starts a throwaway PostgreSQL server; it must be installed).
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[$0 + 1] : nil }
}
let executableFolder = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent()
let sluicePath = option("--sluice") ?? executableFolder.appending(path: "sluice").path
let requestCount = option("--requests").flatMap(Int.init) ?? 2000
let policiesDirectory = URL(fileURLWithPath: option("--policies") ?? "policies").standardizedFileURL.path
let slowStreamCount = option("--streams").flatMap(Int.init) ?? 1000
let postgresOption = option("--postgres")

// Each slow stream holds a client socket and the mock's end of Sluice's upstream connection here.
var descriptorLimit = rlimit()
getrlimit(Int32(RLIMIT_NOFILE.rawValue), &descriptorLimit)
descriptorLimit.rlim_cur = descriptorLimit.rlim_max
setrlimit(Int32(RLIMIT_NOFILE.rawValue), &descriptorLimit)

/// User + system CPU time of process `pid` so far, from /proc/PID/stat.
func cpuTime(of pid: Int32) -> Duration {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let afterName = stat.lastIndex(of: ")")
    else { return .zero }
    // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
    let fields = stat[stat.index(after: afterName)...].split(separator: " ")
    let ticks = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    return .microseconds(ticks * 1_000_000 / sysconf(Int32(_SC_CLK_TCK)))
}

/// How many slow streams have sent their first bytes.
final class StreamCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

/// Resident memory of process `pid`, in MiB.
func residentMemory(of pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return Double(line.split(separator: " ")[1]).map { $0 / 1024 } ?? 0
}

func freePort() -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in(
        sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0)
    )
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            _ = bind(socket, $0, length)
            _ = getsockname(socket, $0, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

func runSluice(_ arguments: [String], output: FileHandle? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sluicePath)
    process.arguments = arguments
    if let output {
        process.standardOutput = output
        process.standardError = output
    }
    try process.run()
    return process
}

let upstreamPort = freePort()

/// A sluice.yaml serving on `port` from `database`, with the mock upstream as its only backend.
func writeConfiguration(
    to file: URL, port: Int, database: String, usageJournal: String? = nil, tls: (certificate: String, key: String)? = nil
) throws {
    try """
    listen: 127.0.0.1:\(port)
    database: \(database)
    \(usageJournal.map { "usage_journal: \($0)" } ?? "")
    \(tls.map { "tls: {cert_file: \($0.certificate), key_file: \($0.key)}" } ?? "")
    policies_dir: \(policiesDirectory)
    backends:
      - name: mock
        type: openai
        url: http://127.0.0.1:\(upstreamPort)/v1
    routes:
      - match: "*"
        backend: mock
    """.write(to: file, atomically: true, encoding: .utf8)
}
let sluicePort = freePort()
let workspace = FileManager.default.temporaryDirectory.appending(path: "sluice-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: workspace) }
let database = workspace.appending(path: "sluice.sqlite").path
let configuration = workspace.appending(path: "sluice.yaml")
try writeConfiguration(to: configuration, port: sluicePort, database: database)

let keyPipe = Pipe()
let create = Process()
create.executableURL = URL(fileURLWithPath: sluicePath)
create.arguments = [
    "keys", "create", "--name", "bench", "--json", "--database", database,
    "--rpm", "100000000", "--tpm", "100000000000", "--concurrency", "10000",
]
create.standardOutput = keyPipe
try create.run()
create.waitUntilExit()
let keyJSON = try JSONSerialization.jsonObject(with: keyPipe.fileHandleForReading.readDataToEndOfFile()) as? [String: Any]
guard let key = keyJSON?["key"] as? String else { fatalError("could not create a key with \(sluicePath)") }

let upstream = Task { try await MockUpstream.makeApplication(port: upstreamPort).runService(gracefulShutdownSignals: []) }
let serveLogURL = workspace.appending(path: "serve.log")
guard FileManager.default.createFile(atPath: serveLogURL.path, contents: nil) else { fatalError("cannot write \(serveLogURL.path)") }
let sluiceLog = try FileHandle(forWritingTo: serveLogURL)
let server = try runSluice(["serve", "--config", configuration.path, "--log-level", "warning"], output: sluiceLog)
defer { server.terminate() }

try await CurlClient.withClient { client in
    // Wait for both servers.
    for url in ["http://127.0.0.1:\(sluicePort)/healthz"] {
        for attempt in 0..<100 {
            if (try? await client.execute(CurlRequest(url: url)))?.status == 200 { break }
            if attempt == 99 { fatalError("sluice did not start") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
    func request(stream: Bool, throughSluice: Bool, model: String = "bench") -> CurlRequest {
        let body = #"{"model":"\#(model)","max_tokens":64,"stream":\#(stream),"messages":[{"role":"user","content":"Say hello."}]}"#
        var headers: CurlHeaders = ["content-type": "application/json"]
        if throughSluice { headers.add(name: "authorization", value: "Bearer \(key)") }
        let port = throughSluice ? sluicePort : upstreamPort
        return CurlRequest(method: "POST", url: "http://127.0.0.1:\(port)/v1/chat/completions", headers: headers, body: Array(body.utf8))
    }

    print("sluice-bench: \(requestCount) requests per row, OpenAI chat completions, mock upstream on loopback")
    print("sluice runs the default policy of \(policiesDirectory)")
    print("scenario                 conc  target   req/s      p50 ms   p99 ms   CPU µs/req  failures")
    for streaming in [false, true] {
        for concurrency in [1, 8, 64] {
            var rows: [String: LoadRun.Result] = [:]
            for throughSluice in [false, true] {
                let run = LoadRun(
                    client: client, request: request(stream: streaming, throughSluice: throughSluice),
                    streaming: streaming, concurrency: concurrency, count: requestCount)
                _ = await LoadRun(
                    client: client, requests: run.requests, streaming: streaming, concurrency: concurrency, count: min(200, requestCount)
                ).run()
                let cpuBefore = cpuTime(of: server.processIdentifier)
                let result = await run.run()
                let cpuPerRequest =
                    seconds(cpuTime(of: server.processIdentifier) - cpuBefore) * 1e6 / Double(max(1, result.latencies.count))
                rows[throughSluice ? "sluice" : "direct"] = result
                let scenario = streaming ? "streaming (first byte)" : "non-streaming"
                print(
                    scenario.padding(toLength: 24, withPad: " ", startingAt: 0),
                    String(concurrency).padding(toLength: 5, withPad: " ", startingAt: 0),
                    (throughSluice ? "sluice" : "direct").padding(toLength: 8, withPad: " ", startingAt: 0),
                    String(format: "%-10.0f", result.requestsPerSecond),
                    milliseconds(result.percentile(0.5)).padding(toLength: 8, withPad: " ", startingAt: 0),
                    milliseconds(result.percentile(0.99)).padding(toLength: 8, withPad: " ", startingAt: 0),
                    (throughSluice ? String(format: "%.0f", cpuPerRequest) : "-").padding(toLength: 11, withPad: " ", startingAt: 0),
                    result.failures)
            }
            if let direct = rows["direct"], let sluice = rows["sluice"] {
                print(
                    "  added by sluice: p50 \(milliseconds(sluice.percentile(0.5) - direct.percentile(0.5))) ms, p99 \(milliseconds(sluice.percentile(0.99) - direct.percentile(0.99))) ms"
                )
            }
        }
    }

    // Memory with many open streams: start them all, measure once each has sent its first bytes.
    let idleMemory = residentMemory(of: server.processIdentifier)
    let started = StreamCount()
    let slowRequest = request(stream: true, throughSluice: true, model: "slow")
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<slowStreamCount {
            group.addTask {
                guard let response = try? await client.execute(slowRequest),
                    response.status == 200
                else { return }
                var counted = false
                do {
                    for try await chunk in response.body where !chunk.isEmpty && !counted {
                        started.increment()
                        counted = true
                    }
                } catch {}
            }
        }
        let deadline = ContinuousClock.now + MockUpstream.slowStreamDuration
        while started.value < slowStreamCount, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let open = started.value
        let memory = residentMemory(of: server.processIdentifier)
        print(
            String(
                format: "RSS of sluice: %.1f MiB idle after the load, %.1f MiB with %d concurrent streams open (%.1f KiB per stream)",
                idleMemory, memory, open, (memory - idleMemory) * 1024 / Double(max(1, open))))
    }

    try await TLSComparison(sluicePath: sluicePath, workspace: workspace, requestCount: requestCount).run(
        client: client, key: key, plainPort: sluicePort, plainPID: server.processIdentifier, database: database)

    if let postgresOption {
        let one = postgresOption == "auto" ? try TestPostgresCluster.shared.createDatabase() : postgresOption
        let three = postgresOption == "auto" ? try TestPostgresCluster.shared.createDatabase() : postgresOption
        try await StoreComparison(
            sluicePath: sluicePath, workspace: workspace, requestCount: requestCount
        ).run(
            client: client,
            setups: [
                .init(label: "SQLite", database: workspace.appending(path: "stores.sqlite").path, replicas: 1),
                .init(label: "PostgreSQL", database: one, replicas: 1),
                .init(label: "PostgreSQL, 3 replicas", database: three, replicas: 3),
            ])
    }
}
upstream.cancel()
