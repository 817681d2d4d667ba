internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SluiceConfig
internal import SluiceCore
internal import SluiceLlama
internal import SluicePolicy
internal import SluiceRemote
internal import SluiceStore

/// The admin API: `/admin/api/…` JSON endpoints for what the CLI does (keys, teams and budgets,
/// usage and spend, policies, the audit log) and the gateway's live status, described by the
/// OpenAPI document at `/admin/api/openapi.json`.
///
/// Every route but the document needs an admin (``AdminAuthMiddleware``); every change is made
/// through ``SluiceStore/Administration``, so it is checked and audited as the CLI's are, under
/// `admin:NAME`.
struct AdminAPI: Sendable {
    static let prefix = "/admin/api"

    /// Whether `path` is the admin API's, whose errors take its own shape.
    static func serves(path: String) -> Bool { path == prefix || path.hasPrefix(prefix + "/") }

    let gateway: Gateway
    let store: any GatewayStore
    let clock: WallClock
    /// The policy files, checked with a compiler sharing no state with the serving policies.
    let policies: PolicyCatalog
    let backends: [BackendConfiguration]
    let replicaPools: [ReplicaPool]
    /// The embedded engines' counters, by backend name.
    let engines: [String: @Sendable () -> LlamaStatistics]
    let metrics: GatewayMetrics

    func register(on router: Router<SluiceRequestContext>, keys: AuthenticationCache, sessions: (any AdminSessionVerifier)?) {
        // The document describes the API and holds nothing secret, so tools may fetch it freely.
        router.get("admin/api/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AdminOpenAPIDocument.text)))
        }
        let api = router.group("admin/api").add(middleware: AdminAuthMiddleware(keys: keys, sessions: sessions))
        api.get("keys") { _, _ in try await listKeys() }
        api.post("keys") { request, context in try await createKey(request, context: context) }
        api.get("keys/:key") { _, context in try await showKey(try context.parameters.require("key")) }
        api.patch("keys/:key") { request, context in try await updateKey(request, context: context) }
        api.post("keys/:key/rotate") { request, context in try await rotateKey(request, context: context) }
        api.post("keys/:key/revoke") { _, context in try await revokeKey(context: context) }
        api.get("teams") { _, _ in try await listTeams() }
        api.post("teams") { request, context in try await createTeam(request, context: context) }
        api.get("teams/:team") { _, context in try await showTeam(try context.parameters.require("team")) }
        api.patch("teams/:team") { request, context in try await updateTeam(request, context: context) }
        api.delete("teams/:team") { _, context in try await removeTeam(context: context) }
        api.get("budgets") { _, _ in try await budgets() }
        api.get("usage") { request, _ in try await usage(request) }
        api.get("policies") { _, _ in listPolicies() }
        api.post("policy-check") { request, _ in try await checkPolicy(request) }
        api.get("policies/:policy") { _, context in try showPolicy(try context.parameters.require("policy")) }
        api.post("policies/:policy/test") { request, context in try await testPolicy(request, context: context) }
        api.get("audit") { request, _ in try await audit(request) }
        api.get("status") { _, _ in await status() }
    }

    /// Changes made by the request's admin, audited as `admin:NAME`.
    func administration(_ context: SluiceRequestContext) throws -> Administration {
        guard let admin = context.admin else { throw SluiceError(.authentication, "missing admin credentials") }
        return Administration(store: store, actor: "admin:" + admin, clock: clock)
    }

    static func created(_ value: JSONValue) -> Response {
        var response = Gateway.jsonResponse(value)
        response.status = .created
        return response
    }
}
