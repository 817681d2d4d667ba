internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import SluiceCore
internal import SluiceStore

/// Requires a valid key on every model API route, given as `x-api-key` or `Authorization: Bearer`;
/// an admin key is refused here unless it was also given models (see ``SluiceStore/APIKey/mayCallModelAPI``).
///
/// Keys are looked up in the store by their hash through a half-second cache, so a key revoked
/// or rotated from the CLI or another replica is refused within a second without a restart.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let store: any GatewayStore
    let cache: AuthenticationCache
    let teams: TeamCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = Self.presentedKey(in: request.headers) else {
            throw SluiceError(.authentication, "missing API key: send it in the x-api-key header or as Authorization: Bearer")
        }
        switch try await cache.authenticate(secret: secret) {
        case .failure(let rejection):
            throw SluiceError(.authentication, rejection.description)
        case .success(let key):
            guard key.mayCallModelAPI else {
                throw SluiceError(
                    .permission, "this is an admin key: it may call the model API only when it is also given models (--models)")
            }
            var context = context
            context.caller = key
            if let team = key.team { context.team = try await teams.team(named: team) }
            context.record.keyName = key.name
            context.logger[metadataKey: "key"] = .string(key.name)
            store.recordUse(of: key, now: Date())
            return try await next(request, context)
        }
    }

    static func presentedKey(in headers: HTTPFields) -> String? {
        if let key = headers[.xAPIKey], !key.isEmpty { return key }
        guard let authorization = headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let key = parts[1].filter { $0 != " " }
        return key.isEmpty ? nil : key
    }
}
