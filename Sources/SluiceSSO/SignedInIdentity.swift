public import SluiceCore

/// Who an ID token says signed in, once every check has passed.
public struct SignedInIdentity: Sendable, Hashable {
    /// The issuer's stable identifier for the user (`sub`).
    public var subject: String
    public var email: String?
    /// `false` only when the token says outright that the address is unverified.
    public var emailVerified: Bool
    /// Every claim of the token, for a group claim named in the configuration.
    public var claims: JSONObject

    public init(subject: String, email: String?, emailVerified: Bool, claims: JSONObject) {
        self.subject = subject
        self.email = email
        self.emailVerified = emailVerified
        self.claims = claims
    }

    /// The name the audit log and the console show: the email address, else the subject.
    public var displayName: String { email ?? subject }
}
