/// How the console's sessions are kept: their timeouts, and whether the listener is TLS (their
/// cookies are then `Secure`).
struct ConsoleSessionSettings: Sendable {
    var idleTimeout: Duration
    var lifetime: Duration
    var secure: Bool

    /// The session cookie: `HttpOnly`, `SameSite=Strict`, scoped to `/admin`.
    static let cookieName = "sluice_console"
    /// The state, nonce and PKCE verifier of a single sign-on in progress, scoped to `/admin/sso`.
    static let signInCookieName = "sluice_sso"
}
