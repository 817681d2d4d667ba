internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import SluiceStore

/// Finds the console session a request's cookie names and checks its CSRF token: what both the
/// console's pages and the admin API (for the console's own calls) use to know the admin.
struct ConsoleAuthenticator: Sendable {
    let store: any GatewayStore
    let settings: ConsoleSessionSettings

    /// A signed-in admin: the session, and the cookie's secret its CSRF token derives from.
    struct SignedIn: Sendable {
        var session: ConsoleSession
        var secret: String
        var csrfToken: String { ConsoleSession.csrfToken(forSecret: secret) }
    }

    /// The request's session, or why there is none.
    func signedIn(_ request: Request, now: Date = Date()) async throws -> Result<SignedIn, ConsoleSessionRejection> {
        guard let secret = ConsoleCookies.sessionSecret(in: request) else { return .failure(.unknown) }
        return try await store.consoleSession(secret: secret, idleTimeout: settings.idleTimeout, now: now)
            .map { SignedIn(session: $0, secret: secret) }
    }

    /// Whether `request` may change something: a safe method, or the session's CSRF token in the
    /// `X-CSRF-Token` header (or, for the console's plain forms, `presentedInForm`).
    static func passesCSRFCheck(_ request: Request, signedIn: SignedIn, presentedInForm: String? = nil) -> Bool {
        if [.get, .head, .options].contains(request.method) { return true }
        guard let token = request.headers[.xCSRFToken] ?? presentedInForm else { return false }
        return ConsoleSession.csrfTokenMatches(token, secret: signedIn.secret)
    }
}
