import Foundation
import SluiceCore
import SluiceSSO
import Testing

@Suite struct IDTokenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let expected = IDTokenExpectations(issuer: "https://idp.test", clientID: "sluice", nonce: "n-1", now: now)

    /// A token with these claims and a signature nobody checks here (``OpenIDKeySetTests`` do).
    static func token(_ overrides: JSONObject = [:], header: JSONObject = ["alg": "RS256", "kid": "k1"]) throws -> IDToken {
        var claims: JSONObject = [
            "iss": "https://idp.test", "sub": "u-1", "aud": "sluice", "exp": .integer(1_800_000_300),
            "iat": .integer(1_799_999_990), "nonce": "n-1", "email": "Ada@Example.com",
        ]
        for (key, value) in overrides { claims[key] = value }
        let text = [header, claims].map { Base64URL.encode(Array(JSONValue.object($0).serializedString().utf8)) }
        return try IDToken(text.joined(separator: ".") + ".c2ln")
    }

    static func refusal(_ overrides: JSONObject) throws -> SignInError? {
        let token = try token(overrides)
        do {
            _ = try token.checkClaims(against: expected)
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodTokenSaysWhoSignedIn() throws {
        let identity = try Self.token().checkClaims(against: Self.expected)
        #expect(identity.subject == "u-1")
        #expect(identity.displayName == "Ada@Example.com")
        #expect(identity.emailVerified)
    }

    @Test func eachClaimCheckRefusesWithItsOwnReason() throws {
        #expect(try Self.refusal(["iss": "https://evil.test"]) == .wrongIssuer)
        #expect(try Self.refusal(["aud": "someone-else"]) == .wrongAudience)
        #expect(try Self.refusal(["aud": ["a", "b"]]) == .wrongAudience)
        #expect(try Self.refusal(["aud": ["other", "sluice"], "azp": "other"]) == .wrongAuthorizedParty)
        #expect(try Self.refusal(["exp": .integer(1_800_000_000 - 61)]) == .expired)
        #expect(try Self.refusal(["iat": .integer(1_800_000_000 + 120)]) == .issuedInTheFuture)
        #expect(try Self.refusal(["nonce": "n-2"]) == .wrongNonce)
        #expect(try Self.refusal(["exp": "soon"]) == .missingClaim("exp"))
        #expect(try Self.refusal(["aud": ["other", "sluice"], "azp": "sluice"]) == nil)
    }

    @Test func clockSkewWithinTheLeewayIsTolerated() throws {
        #expect(try Self.refusal(["exp": .integer(1_800_000_000 - 30)]) == nil)
        #expect(try Self.refusal(["iat": .integer(1_800_000_000 + 30)]) == nil)
    }

    @Test func unsignedAndHMACTokensAreRefusedBeforeAnyKeyIsTried() {
        #expect(throws: SignInError.unsupportedAlgorithm("none")) { try Self.token(header: ["alg": "none"]) }
        #expect(throws: SignInError.unsupportedAlgorithm("HS256")) { try Self.token(header: ["alg": "HS256"]) }
        #expect(throws: SignInError.malformedToken) { try IDToken("a.b") }
        #expect(throws: SignInError.malformedToken) { try IDToken("!!.??.sig") }
    }

    @Test func adminsAreListedVerifiedEmailsOrHoldersOfTheGroupClaim() throws {
        let byEmail = AdminRule(emails: ["ada@example.com"])
        #expect(byEmail.admits(try Self.token().checkClaims(against: Self.expected)))
        #expect(!byEmail.admits(try Self.token(["email_verified": false]).checkClaims(against: Self.expected)))
        #expect(!byEmail.admits(try Self.token(["email": "bob@example.com"]).checkClaims(against: Self.expected)))

        let byGroup = AdminRule(emails: [], groupClaim: .init(name: "groups", value: "sluice-admins"))
        #expect(byGroup.admits(try Self.token(["groups": ["staff", "sluice-admins"]]).checkClaims(against: Self.expected)))
        #expect(byGroup.admits(try Self.token(["groups": "sluice-admins"]).checkClaims(against: Self.expected)))
        #expect(!byGroup.admits(try Self.token(["groups": ["staff"]]).checkClaims(against: Self.expected)))
        #expect(!byGroup.admits(try Self.token().checkClaims(against: Self.expected)))
    }
}
