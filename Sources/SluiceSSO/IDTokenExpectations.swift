public import Foundation

/// What an ID token must say to be accepted for one sign-in (OpenID Connect Core §3.1.3.7).
public struct IDTokenExpectations: Sendable, Hashable {
    /// `iss` must equal this exactly.
    public var issuer: String
    /// `aud` must be or contain this; `azp`, when present, must equal it.
    public var clientID: String
    /// The nonce sent with this sign-in's authorization request.
    public var nonce: String
    public var now: Date
    /// Clock difference tolerated between Sluice and the issuer for `exp` and `iat`.
    public var leeway: TimeInterval = 60

    public init(issuer: String, clientID: String, nonce: String, now: Date) {
        self.issuer = issuer
        self.clientID = clientID
        self.nonce = nonce
        self.now = now
    }
}
