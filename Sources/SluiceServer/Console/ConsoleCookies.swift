internal import Foundation
internal import SluiceCore
internal import Hummingbird
internal import SluiceSSO

/// The console's cookies, written by hand so every attribute is explicit.
enum ConsoleCookies {
    /// The session cookie, living as long as the session may.
    static func session(_ secret: String, settings: ConsoleSessionSettings) -> String {
        "\(ConsoleSessionSettings.cookieName)=\(secret); Path=/admin; Max-Age=\(Int(settings.lifetime.timeInterval)); HttpOnly; "
            + "SameSite=Strict" + (settings.secure ? "; Secure" : "")
    }

    static func clearSession(secure: Bool) -> String {
        "\(ConsoleSessionSettings.cookieName)=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The sign-in attempt. `SameSite=Lax`, not `Strict`: the issuer's redirect back is a
    /// cross-site navigation, which must carry it.
    static func signInAttempt(_ attempt: OpenIDClient.Attempt, secure: Bool) -> String {
        let value = [attempt.state, attempt.nonce, attempt.pkce.verifier].joined(separator: ".")
        return "\(ConsoleSessionSettings.signInCookieName)=\(value); Path=/admin/sso; Max-Age=600; HttpOnly; SameSite=Lax"
            + (secure ? "; Secure" : "")
    }

    static func clearSignInAttempt(secure: Bool) -> String {
        "\(ConsoleSessionSettings.signInCookieName)=; Path=/admin/sso; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The attempt a sign-in cookie holds, or `nil` for none or a malformed one.
    static func signInAttempt(in request: Request) -> OpenIDClient.Attempt? {
        guard let value = request.cookies[ConsoleSessionSettings.signInCookieName]?.value else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 128 }) else { return nil }
        return OpenIDClient.Attempt(state: parts[0], nonce: parts[1], pkce: PKCE(verifier: parts[2]))
    }

    /// The session secret the request's cookie holds.
    static func sessionSecret(in request: Request) -> String? {
        guard let value = request.cookies[ConsoleSessionSettings.cookieName]?.value, !value.isEmpty, value.utf8.count <= 128
        else { return nil }
        return value
    }
}
