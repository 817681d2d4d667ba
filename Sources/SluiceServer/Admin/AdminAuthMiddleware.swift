internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import SluiceCore
internal import SluiceStore

/// Requires an admin on every admin API route: an admin key (`x-api-key` or `Authorization:
/// Bearer`), else a console session when a verifier is installed. No credential is a 401; a key
/// that is not an admin key is a 403. The admin's name goes into ``SluiceRequestContext/admin``.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let keys: AuthenticationCache
    let sessions: (any AdminSessionVerifier)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let admin = try await authenticate(request)
        var context = context
        context.admin = admin
        context.record.keyName = admin
        context.logger[metadataKey: "admin"] = .string(admin)
        return try await next(request, context)
    }

    /// The name of the admin making `request`.
    func authenticate(_ request: Request) async throws -> String {
        if let secret = AuthMiddleware.presentedKey(in: request.headers) {
            switch try await keys.authenticate(secret: secret) {
            case .failure(let rejection):
                throw SluiceError(.authentication, rejection.description)
            case .success(let key):
                guard key.role == .admin else {
                    throw SluiceError(.permission, "this key may not call the admin API: use a key made with --role admin")
                }
                return key.name
            }
        }
        let cookies = request.headers[values: .cookie]
        if let sessions, !cookies.isEmpty {
            switch await sessions.verify(
                cookieHeader: cookies.joined(separator: "; "), method: request.method, csrfToken: request.headers[.csrfToken])
            {
            case .admin(let name): return name
            case .refused(let error): throw error
            case .noSession: break
            }
        }
        throw SluiceError(.authentication, "missing admin credentials: send an admin key as x-api-key or Authorization: Bearer")
    }
}

extension HTTPField.Name {
    /// A console session's CSRF token, required on changes made with the session.
    static let csrfToken = HTTPField.Name("x-csrf-token")!
}
