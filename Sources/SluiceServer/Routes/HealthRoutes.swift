internal import Hummingbird
internal import NIOCore
internal import SluiceCore
internal import SluiceRemote
internal import SluiceStore

/// Unauthenticated operational routes: liveness, readiness, metrics, and `/` and `HEAD /api/hello`
/// for reachability checks.
struct HealthRoutes {
    let store: any GatewayStore
    let backendNames: [String]
    let replicaPools: [ReplicaPool]
    let metrics: GatewayMetrics

    func register(on router: Router<SluiceRequestContext>) {
        router.get("healthz") { _, _ in Gateway.jsonResponse(["status": "ok"]) }
        router.get("readyz") { _, _ in await readiness() }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/") { _, _ in Gateway.jsonResponse(["name": "sluice", "status": "ok"]) }
        router.head("/") { _, _ in Response(status: .ok) }
        // Claude Code's connection probe.
        router.head("api/hello") { _, _ in Response(status: .ok) }
    }

    /// Ready when the database answers and at least one backend is configured; replicas left out
    /// for failing are listed (the gateway stays ready while others serve).
    private func readiness() async -> Response {
        var problems: [JSONValue] = []
        if await !store.isReachable() { problems.append("database is not reachable") }
        if backendNames.isEmpty { problems.append("no backends are configured") }
        let body: JSONValue = [
            "status": problems.isEmpty ? "ready" : "not_ready",
            "backends": .array(backendNames.map { .string($0) }),
            "problems": .array(problems),
            "unavailable_replicas": .array(
                replicaPools.flatMap { pool in
                    pool.unavailableReplicas().map { ["backend": .string(pool.backendName), "replica": .string($0)] }
                }),
        ]
        var response = Gateway.jsonResponse(body)
        if !problems.isEmpty { response.status = .serviceUnavailable }
        return response
    }
}
