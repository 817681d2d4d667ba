import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import SluiceConfig
import SluiceCore
import SluiceCurl
import SluicePolicy
import SluiceStore
import SluiceTestSupport

@testable import SluiceServer

/// The gateway's real router and connection handling on a loopback port, with scripted backends
/// and no policy, for the length of `body`.
struct RunningGateway {
    let port: Int
    let key: String
    let client: CurlClient

    static func run(
        backends: [ScriptedBackend], limits: ConnectionLimits = ConnectionLimits(), requestTimeout: Duration = .seconds(600),
        _ body: (RunningGateway) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try SQLiteStore(path: folder.appendingPathComponent("sluice.sqlite").path)
        let key = try await database.createKey(name: "tests").secret
        let logger = Logger(label: "sluice-server-tests")
        let policies = PolicyRegistry(
            directory: folder.path,
            compiler: PolicyCompiler(
                factories: [], environment: BuiltInPolicyStages.environment(store: database, slotLease: requestTimeout + .seconds(60))),
            logger: logger)
        let metrics = GatewayMetrics()
        let routes = RouteTable(
            routes: backends.map { RouteTable.Route(match: ModelGlob($0.name), backends: [$0.name], upstreamModel: nil) })
        let dispatcher = Dispatcher(routes: routes, targets: backends.map { Dispatcher.Target(backend: $0, maxAttempts: 1) })
        let usage = UsageRecorder(
            journal: try await UsageJournal.open(store: database, prefix: folder.appendingPathComponent("usage").path).journal,
            metrics: metrics, logger: logger)
        let shutdownCut = ShutdownCut(grace: .seconds(1))
        let gateway = Gateway(
            dispatcher: dispatcher, policies: policies, defaultPolicy: "default", usage: usage, bodyLimit: 1 << 20,
            keepAliveInterval: .seconds(10), requestTimeout: requestTimeout, shutdownCut: shutdownCut)
        let router = GatewayServer.makeRouter(
            gateway: gateway, store: database, routes: routes, responseRetention: .seconds(3600), metrics: metrics, logger: logger)
        let openConnections = OpenConnections(maximum: limits.maxConnections)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(responder: responder, limits: limits, openConnections: openConnections)
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger)
        let group = ServiceGroup(services: [usage, application, shutdownCut], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { Task { await group.triggerGracefulShutdown() } }
            try await CurlClient.withClient { client in
                try await body(RunningGateway(port: port, key: key, client: client))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// POSTs `body` to `path` with the test key (unless `key` is nil), as the given protocol's client would.
    func post(_ path: String, body: String, key: String? = nil, anthropic: Bool = true) async throws -> (status: Int, json: JSONValue) {
        var headers: CurlHeaders = ["content-type": "application/json"]
        if anthropic { headers.add(name: "anthropic-version", value: "2023-06-01") }
        if let key { headers.add(name: "x-api-key", value: key) }
        let response = try await client.execute(
            CurlRequest(method: "POST", url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: Array(body.utf8)))
        var bytes: [UInt8] = []
        for try await chunk in response.body { bytes += chunk }
        return (response.status, bytes.isEmpty ? .null : try JSONParser.parse(bytes))
    }
}
