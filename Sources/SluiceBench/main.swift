internal import Foundation
internal import Hummingbird
internal import SluiceCurl

// sluice-bench [--sluice PATH] [--requests N] [--policies DIR]
//
// Measures one mock upstream on loopback directly and through Sluice, in the same run:
// requests/s, p50 and p99 latency (time to first byte for streams), at concurrency 1 and 32,
// and prints what Sluice adds. Sluice runs its default policy from DIR (default: policies, so
// the shipped pii, content, rate-limit and cache stages are part of the figure); the benchmark's
// key has limits high enough never to be refused. Build both in release: `swift build -c release`.
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[$0 + 1] : nil }
}
let executableFolder = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent()
let sluicePath = option("--sluice") ?? executableFolder.appending(path: "sluice").path
let requestCount = option("--requests").flatMap(Int.init) ?? 2000
let policiesDirectory = URL(fileURLWithPath: option("--policies") ?? "policies").standardizedFileURL.path

func freePort() -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
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
let sluicePort = freePort()
let workspace = FileManager.default.temporaryDirectory.appending(path: "sluice-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: workspace) }
let database = workspace.appending(path: "sluice.sqlite").path
let configuration = workspace.appending(path: "sluice.yaml")
try """
    listen: 127.0.0.1:\(sluicePort)
    database: \(database)
    policies_dir: \(policiesDirectory)
    backends:
      - name: mock
        type: openai
        url: http://127.0.0.1:\(upstreamPort)/v1
    routes:
      - match: "*"
        backend: mock
    """.write(to: configuration, atomically: true, encoding: .utf8)

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
    func request(stream: Bool, throughSluice: Bool) -> CurlRequest {
        let body = #"{"model":"bench","max_tokens":64,"stream":\#(stream),"messages":[{"role":"user","content":"Say hello."}]}"#
        var headers: CurlHeaders = ["content-type": "application/json"]
        if throughSluice { headers.add(name: "authorization", value: "Bearer \(key)") }
        let port = throughSluice ? sluicePort : upstreamPort
        return CurlRequest(method: "POST", url: "http://127.0.0.1:\(port)/v1/chat/completions", headers: headers, body: Array(body.utf8))
    }

    print("sluice-bench: \(requestCount) requests per row, OpenAI chat completions, mock upstream on loopback")
    print("sluice runs the default policy of \(policiesDirectory)")
    print("scenario                 conc  target   req/s      p50 ms   p99 ms   failures")
    for streaming in [false, true] {
        for concurrency in [1, 32] {
            var rows: [String: LoadRun.Result] = [:]
            for throughSluice in [false, true] {
                let run = LoadRun(client: client, request: request(stream: streaming, throughSluice: throughSluice),
                                  streaming: streaming, concurrency: concurrency, count: requestCount)
                _ = await LoadRun(client: client, request: run.request, streaming: streaming, concurrency: concurrency, count: min(200, requestCount)).run()
                let result = await run.run()
                rows[throughSluice ? "sluice" : "direct"] = result
                let scenario = streaming ? "streaming (first byte)" : "non-streaming"
                print(
                    scenario.padding(toLength: 24, withPad: " ", startingAt: 0),
                    String(concurrency).padding(toLength: 5, withPad: " ", startingAt: 0),
                    (throughSluice ? "sluice" : "direct").padding(toLength: 8, withPad: " ", startingAt: 0),
                    String(format: "%-10.0f", result.requestsPerSecond),
                    milliseconds(result.percentile(0.5)).padding(toLength: 8, withPad: " ", startingAt: 0),
                    milliseconds(result.percentile(0.99)).padding(toLength: 8, withPad: " ", startingAt: 0),
                    result.failures)
            }
            if let direct = rows["direct"], let sluice = rows["sluice"] {
                print("  added by sluice: p50 \(milliseconds(sluice.percentile(0.5) - direct.percentile(0.5))) ms, p99 \(milliseconds(sluice.percentile(0.99) - direct.percentile(0.99))) ms")
            }
        }
    }
}
upstream.cancel()
