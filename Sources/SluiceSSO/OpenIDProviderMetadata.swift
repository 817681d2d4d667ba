internal import SluiceCore

/// The parts of an issuer's discovery document (`/.well-known/openid-configuration`) Sluice uses.
struct OpenIDProviderMetadata: Sendable, Hashable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var jwksURI: String
    /// How the token endpoint wants the client secret; OpenID's default is HTTP Basic.
    var sendsSecretInBody: Bool

    /// Reads the document, which must name `expectedIssuer` exactly (OpenID Connect Discovery §4.3).
    init(document bytes: [UInt8], expectedIssuer: String) throws(SignInError) {
        guard let document = try? JSONParser.parse(bytes).objectValue,
            let issuer = document["issuer"]?.stringValue,
            let authorization = document["authorization_endpoint"]?.stringValue,
            let token = document["token_endpoint"]?.stringValue,
            let jwks = document["jwks_uri"]?.stringValue
        else { throw .providerUnreachable("the discovery document lacks issuer, endpoints or jwks_uri") }
        guard issuer == expectedIssuer else {
            throw .providerUnreachable("the discovery document names another issuer")
        }
        let methods = document["token_endpoint_auth_methods_supported"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.issuer = issuer
        self.authorizationEndpoint = authorization
        self.tokenEndpoint = token
        self.jwksURI = jwks
        self.sendsSecretInBody = !methods.isEmpty && !methods.contains("client_secret_basic") && methods.contains("client_secret_post")
    }
}
