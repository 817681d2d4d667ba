/// The admin console at `/admin`: how long its sessions last, and single sign-on.
public struct ConsoleConfiguration: Sendable, Hashable {
    /// A session unused this long ends.
    public var sessionIdleTimeout: Duration = .seconds(3600)
    /// A session ends this long after sign-in, however busy.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// Sign-in through an OpenID Connect issuer; without it, admin keys are the only way in.
    public var openID: OpenIDConfiguration?

    public init() {}
}

/// An OpenID Connect client registration: the authorization-code flow with PKCE against `issuer`.
public struct OpenIDConfiguration: Sendable, Hashable {
    /// A claim that makes its holder an admin when it equals (or, for a list, contains) `value`.
    public struct GroupClaim: Sendable, Hashable {
        public var claim: String
        public var value: String

        public init(claim: String, value: String) {
            self.claim = claim
            self.value = value
        }
    }

    /// The issuer identifier; its discovery document is at `ISSUER/.well-known/openid-configuration`.
    public var issuer: String
    public var clientID: String
    /// The environment variable holding the client secret; `nil` for a public client (PKCE alone).
    public var clientSecretEnvironmentVariable: String?
    /// The callback registered with the issuer; by default `/admin/sso/callback` on the host the
    /// browser used.
    public var redirectURL: String?
    public var scopes: [String] = ["openid", "email", "profile"]
    /// Email addresses of admins, compared without regard to case.
    public var admins: [String] = []
    public var adminGroupClaim: GroupClaim?
    /// PEM certificates to verify the issuer with instead of the system's (a private CA).
    public var caFile: String?

    public init(issuer: String, clientID: String) {
        self.issuer = issuer
        self.clientID = clientID
    }
}
