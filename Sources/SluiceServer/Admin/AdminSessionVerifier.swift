internal import HTTPTypes
internal import SluiceCore

/// Checks a console session for the admin API. The console installs one; ``AdminAuthMiddleware``
/// asks it when a request presents no admin key, so every admin credential is checked in one place.
protocol AdminSessionVerifier: Sendable {
    /// The admin a request's session belongs to.
    ///
    /// - Parameters:
    ///   - cookieHeader: the request's cookies, as one `cookie` header.
    ///   - method: the request's method: a change (anything but GET and HEAD) must carry the
    ///     session's CSRF token.
    ///   - csrfToken: the request's `x-csrf-token` header, if any.
    func verify(cookieHeader: String, method: HTTPRequest.Method, csrfToken: String?) async -> AdminSessionVerdict
}

/// What an ``AdminSessionVerifier`` concluded.
enum AdminSessionVerdict: Sendable {
    /// A live session of this admin (their name goes into the audit log).
    case admin(name: String)
    /// No session cookie among the cookies: the request is unauthenticated (401).
    case noSession
    /// A session cookie that does not do: expired or unknown (an ``SluiceCore/SluiceError`` of
    /// category `.authentication`), or a change without its CSRF token (`.permission`).
    case refused(SluiceError)
}
