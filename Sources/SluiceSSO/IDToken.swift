internal import Foundation
public import SluiceCore

/// The parts of a compact JWS ID token (`HEADER.PAYLOAD.SIGNATURE`), decoded but not yet trusted.
public struct IDToken: Sendable, Hashable {
    /// Signature algorithms an ID token may use. `none` and the HMAC algorithms (whose key would be
    /// the client secret, and which invite key confusion) are refused.
    public static let acceptedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]

    public let text: String
    public let algorithm: String
    public let keyID: String?
    public let claims: JSONObject

    /// Splits and decodes `text`; its signature is checked by ``OpenIDKeySet`` and its claims by ``checkClaims(against:)``.
    public init(_ text: String) throws(SignInError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
            let header = try? JSONParser.parse(headerBytes).objectValue, let claims = try? JSONParser.parse(payloadBytes).objectValue
        else { throw .malformedToken }
        guard let algorithm = header["alg"]?.stringValue else { throw .malformedToken }
        guard Self.acceptedAlgorithms.contains(algorithm) else { throw .unsupportedAlgorithm(algorithm) }
        if let type = header["typ"]?.stringValue, type.uppercased() != "JWT" { throw .malformedToken }
        self.text = text
        self.algorithm = algorithm
        self.keyID = header["kid"]?.stringValue
        self.claims = claims
    }

    /// Checks issuer, audience, authorized party, expiry, issue time and nonce, in that order, and
    /// says who signed in. Call it only on a token whose signature has been verified.
    public func checkClaims(against expected: IDTokenExpectations) throws(SignInError) -> SignedInIdentity {
        guard claims["iss"]?.stringValue == expected.issuer else { throw .wrongIssuer }
        let audiences: [String]
        switch claims["aud"] {
        case .string(let audience): audiences = [audience]
        case .array(let values): audiences = values.compactMap(\.stringValue)
        default: throw .wrongAudience
        }
        guard audiences.contains(expected.clientID) else { throw .wrongAudience }
        if let party = claims["azp"], party.stringValue != expected.clientID { throw .wrongAuthorizedParty }
        let now = expected.now.timeIntervalSince1970
        guard let expiry = claims["exp"]?.doubleValue else { throw .missingClaim("exp") }
        guard now < expiry + expected.leeway else { throw .expired }
        guard let issuedAt = claims["iat"]?.doubleValue else { throw .missingClaim("iat") }
        guard issuedAt <= now + expected.leeway else { throw .issuedInTheFuture }
        guard let nonce = claims["nonce"]?.stringValue, nonce == expected.nonce else { throw .wrongNonce }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else { throw .missingClaim("sub") }
        let verified: Bool
        switch claims["email_verified"] {
        case .bool(let value): verified = value
        case .string(let value): verified = value.lowercased() != "false"  // some issuers send a string
        default: verified = true
        }
        return SignedInIdentity(
            subject: subject, email: claims["email"]?.stringValue, emailVerified: verified, claims: claims)
    }
}
