internal import Foundation
internal import SluiceCurl

/// The same non-streaming load on one Sluice over plain HTTP, over HTTPS with HTTP/1.1 and over
/// HTTPS with HTTP/2 (TLS 1.3, a certificate from a throwaway CA, connections reused as clients
/// do; HTTP/2 multiplexes the concurrent requests on one connection), side by side.
struct TLSComparison {
    let sluicePath: String
    let workspace: URL
    let requestCount: Int

    func run(client: CurlClient, key: String, plainPort: Int, plainPID: Int32, database: String) async throws {
        let folder = workspace.appending(path: "tls")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (certificate, privateKey, authority) = try makeCertificate(in: folder)
        let port = freePort()
        let configuration = folder.appending(path: "sluice.yaml")
        try writeConfiguration(
            to: configuration, port: port, database: database, usageJournal: folder.appending(path: "usage").path,
            tls: (certificate, privateKey))
        let log = folder.appending(path: "serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let server = try runSluice(
            ["serve", "--config", configuration.path, "--log-level", "warning"], output: try FileHandle(forWritingTo: log))
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        for attempt in 0..<100 {
            let probe = CurlRequest(url: "https://127.0.0.1:\(port)/healthz", caFile: authority)
            if (try? await client.execute(probe))?.status == 200 { break }
            if attempt == 99 { fatalError("sluice over HTTPS did not start") }
            try await Task.sleep(for: .milliseconds(100))
        }
        print("")
        print(
            "listener: \(requestCount) non-streaming requests per row, plain HTTP, HTTPS (HTTP/1.1) and HTTP/2 on two sluice processes")
        print("listener                 conc  req/s      p50 ms   p99 ms   CPU µs/req  failures")
        for concurrency in [1, 8] {
            for (label, scheme, target, caFile, allowsHTTP2) in [
                ("HTTP", "http", plainPort, nil as String?, false), ("HTTPS", "https", port, authority, false),
                ("HTTP/2", "https", port, authority, true),
            ] {
                let request = CurlRequest(
                    method: "POST", url: "\(scheme)://127.0.0.1:\(target)/v1/chat/completions",
                    headers: ["content-type": "application/json", "authorization": "Bearer \(key)"],
                    body: Array(#"{"model":"bench","messages":[{"role":"user","content":"Say hello."}]}"#.utf8), caFile: caFile,
                    allowsHTTP2: allowsHTTP2)
                let pid = scheme == "https" ? server.processIdentifier : plainPID
                _ = await LoadRun(client: client, request: request, streaming: false, concurrency: concurrency, count: 200).run()
                let before = cpuTime(of: pid)
                let result = await LoadRun(
                    client: client, request: request, streaming: false, concurrency: concurrency, count: requestCount
                ).run()
                let spent = cpuTime(of: pid) - before
                result.printRow(label: label, concurrency: concurrency, cpu: spent)
            }
        }
    }

    /// A CA and a certificate for 127.0.0.1 it signed, made with openssl: (certificate, key, CA).
    private func makeCertificate(in folder: URL) throws -> (String, String, String) {
        let path = { (name: String) in folder.appending(path: name).path }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: path("san.cnf"), atomically: true, encoding: .utf8)
        for arguments in [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "1",
                "-subj", "/CN=sluice-bench CA",
            ],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"],
            [
                "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial", "-out",
                path("server.pem"), "-days", "1", "-extfile", path("san.cnf"),
            ],
        ] {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = arguments
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { fatalError("openssl \(arguments[0]) failed") }
        }
        return (path("server.pem"), path("server.key"), path("ca.pem"))
    }
}
