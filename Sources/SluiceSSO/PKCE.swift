internal import SluiceCore
internal import SluiceCrypto

/// A Proof Key for Code Exchange pair (RFC 7636, method S256): the verifier stays with the
/// browser's login attempt, the challenge goes to the authorization endpoint, and only the holder
/// of the verifier can redeem the code.
public struct PKCE: Sendable, Hashable {
    /// 64 characters of the unreserved alphabet (RFC 7636 allows 43 to 128).
    public let verifier: String

    public init(verifier: String) {
        self.verifier = verifier
    }

    /// A new verifier from the system's CSPRNG (about 380 bits).
    public static func random() -> PKCE { PKCE(verifier: Identifiers.base62(count: 64)) }

    /// `BASE64URL(SHA256(verifier))`, without padding.
    public var challenge: String { Base64URL.encode(SHA256.digest(verifier)) }

    /// Always `S256`: the `plain` method would send the verifier itself.
    public static let method = "S256"
}
