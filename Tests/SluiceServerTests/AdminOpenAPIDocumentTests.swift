import Foundation
import Hummingbird
import Logging
import SluiceConfig
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

@testable import SluiceServer

/// The hand-written OpenAPI document against the routes the admin API registers: none missing
/// from it, none in it that is not served.
@Suite struct AdminOpenAPIDocumentTests {
    @Test func theDocumentDescribesExactlyTheAdminRoutes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-admin-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("sluice.sqlite").path)
        let logger = Logger(label: "sluice-admin-tests")
        let metrics = GatewayMetrics()
        let compiler = PolicyCompiler(factories: [], environment: PolicyEnvironment())
        let routes = RouteTable(routes: [])
        let usage = UsageRecorder(
            journal: try await UsageJournal.open(store: store, prefix: folder.appendingPathComponent("usage").path).journal,
            metrics: metrics, logger: logger)
        let gateway = Gateway(
            dispatcher: Dispatcher(routes: routes, targets: []),
            policies: PolicyRegistry(directory: folder.path, compiler: compiler, logger: logger), defaultPolicy: "default",
            usage: usage, bodyLimit: 1 << 20, keepAliveInterval: .seconds(10), requestTimeout: .seconds(60),
            shutdownCut: ShutdownCut(grace: .seconds(1)))
        let admin = AdminAPI(
            gateway: gateway, store: store, clock: WallClock(),
            policies: PolicyCatalog(directory: folder.path, defaultPolicy: "default", compiler: compiler), backends: [],
            replicaPools: [], engines: [:], metrics: metrics)
        let router = GatewayServer.makeRouter(
            gateway: gateway, store: store, routes: routes, responseRetention: .seconds(60), metrics: metrics, admin: admin,
            logger: logger)
        let served = Set(
            router.routes.map { "\($0.method) \($0.path)" }.filter { $0.contains(" /admin/api") }
                .map { $0.replacing(/:([a-z]+)/) { "{\($0.1)}" } })

        let document = try JSONParser.parse(Array(AdminOpenAPIDocument.text.utf8))
        #expect(document["openapi"]?.stringValue == "3.1.0")
        let methods = ["get", "post", "put", "patch", "delete", "head", "options"]
        let documented = Set(
            (document["paths"]?.objectValue ?? [:]).flatMap { path, item in
                (item.objectValue?.keys ?? []).filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
        #expect(served.count > 15)
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        await store.close()
    }
}
