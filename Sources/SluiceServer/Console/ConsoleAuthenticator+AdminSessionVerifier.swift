internal import HTTPTypes
internal import Hummingbird
internal import SluiceCore
internal import SluiceStore

/// The console's fetches to `/admin/api` authenticate with the session cookie, and every change
/// with the session's CSRF token in `X-CSRF-Token`.
extension ConsoleAuthenticator: AdminSessionVerifier {
    func verify(cookieHeader: String, method: HTTPRequest.Method, csrfToken: String?) async -> AdminSessionVerdict {
        let cookies = Cookies(from: [cookieHeader])
        guard let secret = cookies[ConsoleSessionSettings.cookieName]?.value, !secret.isEmpty else { return .noSession }
        guard secret.utf8.count <= 128 else { return .refused(SluiceError(.authentication, ConsoleSessionRejection.unknown.description)) }
        let found: Result<ConsoleSession, ConsoleSessionRejection>
        do {
            found = try await store.consoleSession(secret: secret, idleTimeout: settings.idleTimeout)
        } catch {
            return .refused(SluiceError(reporting: error, request: nil))
        }
        switch found {
        case .failure(let rejection):
            return .refused(SluiceError(.authentication, rejection.description))
        case .success(let session):
            if ![.get, .head].contains(method) {
                guard let csrfToken, ConsoleSession.csrfTokenMatches(csrfToken, secret: secret) else {
                    return .refused(SluiceError(.permission, "a console change must carry the session's CSRF token in X-CSRF-Token"))
                }
            }
            return .admin(name: session.actor)
        }
    }
}
