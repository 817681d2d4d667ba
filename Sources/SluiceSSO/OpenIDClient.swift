public import Foundation
public import Logging
public import SluiceCurl
internal import SluiceCore

/// Sluice as an OpenID Connect relying party: the authorization-code flow with PKCE (S256), a
/// state and a nonce, against any issuer that publishes a discovery document.
///
/// The discovery document and the keys are fetched on first use and kept; a sign-in whose token
/// names a new key fetches the keys again.
public actor OpenIDClient {
    public struct Settings: Sendable, Hashable {
        public var issuer: String
        public var clientID: String
        /// `nil` for a public client, which PKCE alone protects.
        public var clientSecret: String?
        public var scopes: [String]
        /// PEM certificates to verify the issuer with (a private CA).
        public var caFile: String?

        public init(issuer: String, clientID: String, clientSecret: String?, scopes: [String], caFile: String? = nil) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scopes = scopes
            self.caFile = caFile
        }
    }

    /// What the browser must carry from the start of a sign-in to its callback.
    public struct Attempt: Sendable, Hashable {
        public var state: String
        public var nonce: String
        public var pkce: PKCE

        public init(state: String, nonce: String, pkce: PKCE) {
            self.state = state
            self.nonce = nonce
            self.pkce = pkce
        }

        public static func random() -> Attempt {
            Attempt(state: Identifiers.base62(count: 32), nonce: Identifiers.base62(count: 32), pkce: .random())
        }
    }

    public nonisolated let settings: Settings
    private let http: CurlClient
    private let logger: Logger
    private var metadata: OpenIDProviderMetadata?
    private var keySet: OpenIDKeySet?

    public init(settings: Settings, http: CurlClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
    }

    /// Where to send the browser to sign in.
    public func authorizationURL(for attempt: Attempt, redirectURI: String) async throws(SignInError) -> String {
        let endpoint = try await providerMetadata().authorizationEndpoint
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirectURI),
            ("scope", settings.scopes.joined(separator: " ")), ("state", attempt.state), ("nonce", attempt.nonce),
            ("code_challenge", attempt.pkce.challenge), ("code_challenge_method", PKCE.method),
        ])
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }

    /// Redeems the callback's code at the token endpoint and checks the ID token that comes back.
    public func signIn(
        code: String, attempt: Attempt, redirectURI: String, now: Date = Date()
    ) async throws(SignInError)
        -> SignedInIdentity
    {
        let metadata = try await providerMetadata()
        var fields = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", attempt.pkce.verifier),
        ]
        var headers: CurlHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"]
        switch (settings.clientSecret, metadata.sendsSecretInBody) {
        case (let secret?, false):
            let credentials = FormEncoding.escape(settings.clientID) + ":" + FormEncoding.escape(secret)
            headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        case (let secret?, true):
            fields += [("client_id", settings.clientID), ("client_secret", secret)]
        case (nil, _):
            fields.append(("client_id", settings.clientID))
        }
        let (status, body) = try await send(
            CurlRequest(method: "POST", url: metadata.tokenEndpoint, headers: headers, body: Array(FormEncoding.encode(fields).utf8)),
            what: "token endpoint")
        let answer = try? JSONParser.parse(body).objectValue
        guard (200..<300).contains(status) else {
            // An OAuth error (`invalid_grant` for a used or expired code) is the browser's problem.
            if let error = answer?["error"]?.stringValue { throw .providerRefused(String(error.prefix(64))) }
            throw .providerUnreachable("the token endpoint answered \(status)")
        }
        guard let idToken = answer?["id_token"]?.stringValue else {
            throw .providerUnreachable("the token endpoint returned no id_token")
        }
        let token = try IDToken(idToken)
        try await keys(metadata).verifySignature(of: token)
        return try token.checkClaims(
            against: IDTokenExpectations(issuer: metadata.issuer, clientID: settings.clientID, nonce: attempt.nonce, now: now))
    }

    private func providerMetadata() async throws(SignInError) -> OpenIDProviderMetadata {
        if let metadata { return metadata }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        let (status, body) = try await send(
            CurlRequest(url: base + "/.well-known/openid-configuration", headers: ["Accept": "application/json"]),
            what: "discovery document")
        guard status == 200 else { throw .providerUnreachable("the discovery document answered \(status)") }
        let fetched = try OpenIDProviderMetadata(document: body, expectedIssuer: settings.issuer)
        metadata = fetched
        return fetched
    }

    private func keys(_ metadata: OpenIDProviderMetadata) -> OpenIDKeySet {
        if let keySet { return keySet }
        let url = metadata.jwksURI
        let made = OpenIDKeySet { [self] () async throws(SignInError) -> [UInt8] in
            let (status, body) = try await send(CurlRequest(url: url, headers: ["Accept": "application/json"]), what: "JWKS")
            guard status == 200 else { throw .providerUnreachable("the JWKS answered \(status)") }
            return body
        }
        keySet = made
        return made
    }

    private nonisolated func send(_ request: CurlRequest, what: String) async throws(SignInError) -> (Int, [UInt8]) {
        var request = request
        request.connectTimeout = .seconds(10)
        request.idleReadTimeout = .seconds(15)
        request.caFile = settings.caFile
        do {
            let response = try await http.execute(request)
            return (response.status, try await response.body.collect(upTo: 1 << 20))
        } catch let error as CurlError {
            logger.warning(
                "single sign-on: the identity provider could not be reached", metadata: ["what": "\(what)", "error": "\(error)"])
            throw .providerUnreachable("\(what): \(error.shortDescription)")
        } catch {
            throw .providerUnreachable("\(what): \(error)")
        }
    }
}
