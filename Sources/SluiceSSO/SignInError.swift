/// Why a single sign-on attempt failed. The descriptions are safe to show and to log: they never
/// hold a code, a token or a secret.
public struct SignInError: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case stateMismatch
        case providerRefused(String)
        case providerUnreachable(String)
        case malformedToken
        case unsupportedAlgorithm(String)
        case unknownSigningKey
        case badSignature
        case wrongIssuer
        case wrongAudience
        case wrongAuthorizedParty
        case expired
        case issuedInTheFuture
        case wrongNonce
        case missingClaim(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The callback's `state` is not the one this browser's sign-in started with (or it has none).
    public static let stateMismatch = SignInError(.stateMismatch)
    /// The issuer answered the code exchange with an OAuth error, such as `invalid_grant` for a used code.
    public static func providerRefused(_ error: String) -> SignInError { SignInError(.providerRefused(error)) }
    /// The issuer's discovery document, keys or token endpoint could not be had.
    public static func providerUnreachable(_ reason: String) -> SignInError { SignInError(.providerUnreachable(reason)) }
    public static let malformedToken = SignInError(.malformedToken)
    public static func unsupportedAlgorithm(_ algorithm: String) -> SignInError { SignInError(.unsupportedAlgorithm(algorithm)) }
    public static let unknownSigningKey = SignInError(.unknownSigningKey)
    public static let badSignature = SignInError(.badSignature)
    public static let wrongIssuer = SignInError(.wrongIssuer)
    public static let wrongAudience = SignInError(.wrongAudience)
    public static let wrongAuthorizedParty = SignInError(.wrongAuthorizedParty)
    public static let expired = SignInError(.expired)
    public static let issuedInTheFuture = SignInError(.issuedInTheFuture)
    public static let wrongNonce = SignInError(.wrongNonce)
    public static func missingClaim(_ claim: String) -> SignInError { SignInError(.missingClaim(claim)) }

    /// The issuer could not be reached or answered nonsense: the gateway's problem (502), not the browser's.
    public var isProviderFailure: Bool {
        if case .providerUnreachable = code { return true }
        return false
    }

    public var description: String {
        switch code {
        case .stateMismatch: "the sign-in state does not match this browser's sign-in (start again)"
        case .providerRefused(let error): "the identity provider refused the sign-in code (\(error))"
        case .providerUnreachable(let reason): "the identity provider could not be reached (\(reason))"
        case .malformedToken: "the ID token is malformed"
        case .unsupportedAlgorithm(let algorithm): "the ID token is signed with an algorithm not accepted (\(algorithm))"
        case .unknownSigningKey: "the ID token is signed with a key the identity provider does not publish"
        case .badSignature: "the ID token's signature is invalid"
        case .wrongIssuer: "the ID token is from another issuer"
        case .wrongAudience: "the ID token is for another client (audience)"
        case .wrongAuthorizedParty: "the ID token was issued to another client (azp)"
        case .expired: "the ID token has expired"
        case .issuedInTheFuture: "the ID token is issued in the future"
        case .wrongNonce: "the ID token's nonce does not match this sign-in"
        case .missingClaim(let claim): "the ID token has no \(claim) claim"
        }
    }
}
