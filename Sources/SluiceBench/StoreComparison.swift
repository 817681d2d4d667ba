internal import Foundation
internal import SluiceCurl

/// Sluice on its SQLite file, on PostgreSQL, and as three replicas on one PostgreSQL database,
/// under the same non-streaming load, side by side. The key has (very high) rate limits, so every
/// request also admits and settles against the counters, which PostgreSQL replicas share.
struct StoreComparison {
    struct Setup {
        let label: String
        let database: String
        let replicas: Int
    }

    let sluicePath: String
    let workspace: URL
    let requestCount: Int

    func run(client: CurlClient, setups: [Setup]) async throws {
        print("")
        print("stores: \(requestCount) non-streaming requests per row; CPU is all sluice processes' user + system per request")
        print("store                    conc  req/s      p50 ms   p99 ms   CPU µs/req  failures")
        for setup in setups {
            let servers = try await start(setup, client: client)
            defer {
                for server in servers.processes { server.terminate() }
                for server in servers.processes { server.waitUntilExit() }
            }
            let requests = servers.ports.map { port in
                CurlRequest(
                    method: "POST", url: "http://127.0.0.1:\(port)/v1/chat/completions",
                    headers: ["content-type": "application/json", "authorization": "Bearer \(servers.key)"],
                    body: Array(#"{"model":"bench","messages":[{"role":"user","content":"Say hello."}]}"#.utf8))
            }
            for concurrency in [1, 32] {
                _ = await LoadRun(client: client, requests: requests, streaming: false, concurrency: concurrency, count: 200).run()
                let before = servers.processes.map { cpuTime(of: $0.processIdentifier) }
                let result = await LoadRun(
                    client: client, requests: requests, streaming: false, concurrency: concurrency, count: requestCount
                ).run()
                let spent = zip(servers.processes, before).map { cpuTime(of: $0.processIdentifier) - $1 }.reduce(.zero, +)
                result.printRow(label: setup.label, concurrency: concurrency, cpu: spent)
            }
        }
    }

    /// Starts the setup's replicas on its database, and makes the benchmark's key there.
    private func start(_ setup: Setup, client: CurlClient) async throws -> (processes: [Process], ports: [Int], key: String) {
        let folder = workspace.appending(path: "store-\(setup.label.filter { $0.isLetter || $0.isNumber })")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keyOutput = Pipe()
        let create = Process()
        create.executableURL = URL(fileURLWithPath: sluicePath)
        create.arguments = [
            "keys", "create", "--name", "bench-\(UUID().uuidString.prefix(8))", "--json", "--database", setup.database,
            "--rpm", "100000000", "--tpm", "100000000000", "--concurrency", "10000",
        ]
        create.standardOutput = keyOutput
        try create.run()
        let keyJSON = try JSONSerialization.jsonObject(with: keyOutput.fileHandleForReading.readDataToEndOfFile()) as? [String: Any]
        create.waitUntilExit()
        guard let key = keyJSON?["key"] as? String else { fatalError("could not create a key in \(setup.label)") }
        var processes: [Process] = []
        var ports: [Int] = []
        for replica in 0..<setup.replicas {
            let port = freePort()
            let configuration = folder.appending(path: "sluice-\(replica).yaml")
            try writeConfiguration(
                to: configuration, port: port, database: setup.database,
                usageJournal: folder.appending(path: "usage-\(replica)").path)
            let log = folder.appending(path: "serve-\(replica).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            processes.append(
                try runSluice(
                    ["serve", "--config", configuration.path, "--log-level", "warning"], output: try FileHandle(forWritingTo: log)))
            ports.append(port)
        }
        for port in ports {
            for attempt in 0..<100 {
                if (try? await client.execute(CurlRequest(url: "http://127.0.0.1:\(port)/readyz")))?.status == 200 { break }
                if attempt == 99 { fatalError("sluice on \(setup.label) did not become ready") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return (processes, ports, key)
    }
}
