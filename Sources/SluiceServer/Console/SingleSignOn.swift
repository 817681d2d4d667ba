internal import Foundation
internal import Hummingbird
internal import Logging
internal import SluiceConfig
internal import SluiceCurl
internal import SluiceSSO

/// The console's OpenID Connect sign-in: the client, who is an admin, and where the issuer sends
/// the browser back to.
struct SingleSignOn: Sendable {
    let client: OpenIDClient
    let admins: AdminRule
    /// The configured callback URL; `nil` derives it from the host the browser used.
    let redirectURL: String?

    static let callbackPath = "/admin/sso/callback"

    /// The callback URL for a request to this server.
    func redirectURI(for request: Request, secure: Bool) -> String? {
        if let redirectURL { return redirectURL }
        guard let authority = request.head.authority, Self.isPlainAuthority(authority) else { return nil }
        return (secure ? "https://" : "http://") + authority + Self.callbackPath
    }

    /// A host and port with nothing that could bend the URL built from it.
    private static func isPlainAuthority(_ authority: String) -> Bool {
        !authority.isEmpty && authority.utf8.count <= 255
            && authority.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || ".-:[]".unicodeScalars.contains($0)
            }
    }
}

extension SingleSignOn {
    /// The sign-in `configuration` describes, its client secret read from the environment now, so
    /// a missing variable stops the start rather than the first sign-in.
    init(configuration: OpenIDConfiguration, client: CurlClient, environment: [String: String], logger: Logger) throws {
        var secret: String?
        if let variable = configuration.clientSecretEnvironmentVariable {
            guard let value = environment[variable], !value.isEmpty else {
                throw ConfigurationError("console oidc client_secret_env names \(variable), which is not set")
            }
            secret = value
        }
        self.init(
            client: OpenIDClient(
                settings: .init(
                    issuer: configuration.issuer, clientID: configuration.clientID, clientSecret: secret, scopes: configuration.scopes,
                    caFile: configuration.caFile),
                http: client, logger: logger),
            admins: AdminRule(
                emails: configuration.admins,
                groupClaim: configuration.adminGroupClaim.map { AdminRule.GroupClaim(name: $0.claim, value: $0.value) }),
            redirectURL: configuration.redirectURL)
    }
}
