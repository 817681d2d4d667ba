internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import SluiceCore
internal import SluiceCrypto
internal import SluiceSSO
internal import SluiceStore

/// The admin console at `/admin`: sign-in with an admin key or single sign-on, sign-out, the
/// pages (a shell each, filled in by `console.js` from `/admin/api`) and their assets.
///
/// Every answer is a page, never a JSON error, and every failure a 4xx page, except an
/// unreachable database or identity provider.
struct ConsoleRoutes {
    let store: any GatewayStore
    let authenticator: ConsoleAuthenticator
    let singleSignOn: SingleSignOn?
    let logger: Logger

    /// The pages of the console, by path, with their titles.
    static let pages: [(path: String, title: String)] = [
        ("keys", "Keys"), ("teams", "Teams"), ("usage", "Usage and spend"), ("policies", "Policies"), ("audit", "Audit log"),
        ("status", "Status"),
    ]

    private var settings: ConsoleSessionSettings { authenticator.settings }

    func register(on router: Router<SluiceRequestContext>) {
        let admin = router.group("admin")
        admin.get { request, _ in await page(request) { try await home(request) } }
        admin.get("login") { request, _ in await page(request) { try await loginPage(request) } }
        admin.post("login") { request, _ in await page(request) { try await logIn(request) } }
        admin.post("logout") { request, _ in await page(request) { try await logOut(request) } }
        admin.get("assets/:name") { request, context in
            guard let name = context.parameters.get("name"), let asset = ConsolePage.asset(named: name) else {
                return ConsolePage.message("Not found", "There is no such console file.", status: .notFound)
            }
            return asset
        }
        for (path, title) in Self.pages {
            admin.get(RouterPath(path)) { request, _ in await page(request) { try await shell(request, page: path, title: title) } }
        }
        admin.get("sso/start") { request, _ in await page(request) { try await startSignOn(request) } }
        admin.get("sso/callback") { request, _ in await page(request) { try await finishSignOn(request) } }
    }

    // MARK: Pages

    private func home(_ request: Request) async throws -> Response {
        switch try await authenticator.signedIn(request) {
        case .success: ConsolePage.redirect(to: "/admin/keys")
        case .failure: ConsolePage.redirect(to: "/admin/login")
        }
    }

    private func loginPage(_ request: Request) async throws -> Response {
        if case .success = try await authenticator.signedIn(request) { return ConsolePage.redirect(to: "/admin/keys") }
        return ConsolePage.login(singleSignOn: singleSignOn != nil)
    }

    private func shell(_ request: Request, page: String, title: String) async throws -> Response {
        switch try await authenticator.signedIn(request) {
        case .success(let signedIn):
            return ConsolePage.shell(page: page, title: title, actor: signedIn.session.actor, csrfToken: signedIn.csrfToken)
        case .failure(let rejection):
            var response = ConsolePage.redirect(to: "/admin/login")
            if rejection != .unknown {
                response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.clearSession(secure: settings.secure)))
            }
            return response
        }
    }

    // MARK: Admin keys

    /// Exchanges an admin key for a session. A plain key, an unknown one or a form from another
    /// site gets the sign-in page again with the reason, and no session.
    private func logIn(_ request: Request) async throws -> Response {
        guard isSameOrigin(request) else {
            return ConsolePage.login(
                error: "Sign-in forms from other sites are refused.", status: .forbidden, singleSignOn: singleSignOn != nil)
        }
        let form = try await formFields(request)
        guard let secret = form["key"]?.trimmingCharacters(in: .whitespaces), !secret.isEmpty else {
            return ConsolePage.login(error: "Enter an admin key.", status: .badRequest, singleSignOn: singleSignOn != nil)
        }
        let key: APIKey
        switch try await store.authentication(of: secret) {
        case .failure(let rejection):
            logger.notice("console sign-in refused", metadata: ["reason": "\(rejection)"])
            return ConsolePage.login(error: "Sign-in refused: \(rejection).", status: .unauthorized, singleSignOn: singleSignOn != nil)
        case .success(let found): key = found
        }
        guard key.role == .admin else {
            logger.notice("console sign-in refused", metadata: ["reason": "not an admin key", "key": "\(key.name)"])
            return ConsolePage.login(
                error: "“\(key.name)” is not an admin key: only keys made with --role admin may sign in.", status: .forbidden,
                singleSignOn: singleSignOn != nil)
        }
        let started = try await store.startConsoleSession(with: .adminKey(key, secret: secret), lifetime: settings.lifetime)
        logger.info("console sign-in", metadata: ["admin": "\(key.name)", "via": "key"])
        return signedIn(started)
    }

    private func logOut(_ request: Request) async throws -> Response {
        let form = try await formFields(request)
        if case .success(let signedIn) = try await authenticator.signedIn(request) {
            guard ConsoleAuthenticator.passesCSRFCheck(request, signedIn: signedIn, presentedInForm: form["csrf_token"]) else {
                return ConsolePage.message("Refused", "The form's CSRF token is missing or wrong; nothing was done.", status: .forbidden)
            }
            try await store.endConsoleSession(secret: signedIn.secret)
            logger.info("console sign-out", metadata: ["admin": "\(signedIn.session.actor)"])
        }
        var response = ConsolePage.redirect(to: "/admin/login")
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.clearSession(secure: settings.secure)))
        return response
    }

    private func signedIn(_ started: StartedConsoleSession) -> Response {
        var response = ConsolePage.redirect(to: "/admin/keys")
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.session(started.secret, settings: settings)))
        return response
    }

    // MARK: Single sign-on

    private func startSignOn(_ request: Request) async throws -> Response {
        guard let singleSignOn else {
            return ConsolePage.message("Not configured", "Single sign-on is not configured on this gateway.", status: .notFound)
        }
        guard let redirectURI = singleSignOn.redirectURI(for: request, secure: settings.secure) else {
            return ConsolePage.message("Refused", "The request names no usable host.", status: .badRequest)
        }
        let attempt = OpenIDClient.Attempt.random()
        let location = try await singleSignOn.client.authorizationURL(for: attempt, redirectURI: redirectURI)
        var response = Response(status: .seeOther, headers: [.location: location])
        ConsolePage.applySecurityHeaders(to: &response)
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.signInAttempt(attempt, secure: settings.secure)))
        return response
    }

    /// The issuer's redirect back: the state must be this browser's, the code must redeem, and the
    /// ID token must pass every check; then an admin gets a session and anyone else a page saying
    /// they are not one.
    private func finishSignOn(_ request: Request) async throws -> Response {
        guard let singleSignOn else {
            return ConsolePage.message("Not configured", "Single sign-on is not configured on this gateway.", status: .notFound)
        }
        let query = request.uri.queryParameters
        let attempt = ConsoleCookies.signInAttempt(in: request)
        var response = try await signOnOutcome(request, singleSignOn: singleSignOn, query: query, attempt: attempt)
        // One attempt, one try: a replayed callback finds no attempt.
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.clearSignInAttempt(secure: settings.secure)))
        return response
    }

    private func signOnOutcome(
        _ request: Request, singleSignOn: SingleSignOn, query: Parameters, attempt: OpenIDClient.Attempt?
    ) async throws -> Response {
        if let error = query["error"] {
            let reason = String(String(error).prefix(64))
            logger.notice("single sign-on refused", metadata: ["reason": "the identity provider answered \(reason)"])
            return ConsolePage.message("Sign-in failed", "The identity provider refused the sign-in (\(reason)).", status: .badRequest)
        }
        guard let attempt, let state = query["state"], let code = query["code"], !code.isEmpty,
            SHA256.constantTimeEquals(SHA256.digest(String(state)), SHA256.digest(attempt.state)),
            let redirectURI = singleSignOn.redirectURI(for: request, secure: settings.secure)
        else { return refused(SignInError.stateMismatch) }
        let identity: SignedInIdentity
        do {
            identity = try await singleSignOn.client.signIn(code: String(code), attempt: attempt, redirectURI: redirectURI)
        } catch {
            return refused(error)
        }
        guard singleSignOn.admins.admits(identity) else {
            logger.notice("single sign-on refused", metadata: ["reason": "not an admin", "user": "\(identity.displayName)"])
            return ConsolePage.message(
                "Not an admin", "You signed in as \(identity.displayName), who is not an admin of this gateway. Ask an admin to add you.",
                status: .forbidden)
        }
        let started = try await store.startConsoleSession(with: .singleSignOn(name: identity.displayName), lifetime: settings.lifetime)
        logger.info("console sign-in", metadata: ["admin": "\(identity.displayName)", "via": "sso"])
        return signedIn(started)
    }

    private func refused(_ error: SignInError) -> Response {
        logger.notice("single sign-on refused", metadata: ["reason": "\(error)"])
        if error.isProviderFailure {
            return ConsolePage.message("Sign-in failed", "Sign-in failed: \(error).", status: .badGateway)
        }
        return ConsolePage.message("Sign-in failed", "Sign-in failed: \(error).", status: .badRequest)
    }

    // MARK: Helpers

    /// Runs a page's handler; a failure becomes a page too (the database's absence a 503).
    private func page(_ request: Request, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SignInError {
            return refused(error)
        } catch {
            let reported = SluiceError(reporting: error, request: request)
            if reported.category == .internalFailure || reported.category == .unavailable {
                logger.error("console request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return ConsolePage.message(
                "Something went wrong", reported.message, status: HTTPResponse.Status(code: reported.httpStatus))
        }
    }

    /// A form posted by the browser: `application/x-www-form-urlencoded`, at most 16 KiB.
    private func formFields(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 16 * 1024)
        guard let fields = FormEncoding.decode(String(buffer: body)) else { throw SluiceError.invalidRequest("malformed form") }
        return Dictionary(fields, uniquingKeysWith: { first, _ in first })
    }

    /// A browser says where a form came from in `Origin`; one from another site is refused (a
    /// request without it, from a script or an old browser, cannot carry a victim's cookies here).
    private func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }
}
