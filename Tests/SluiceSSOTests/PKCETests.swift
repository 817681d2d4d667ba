import SluiceSSO
import Testing

@Suite struct PKCETests {
    @Test func challengeIsTheRFC7636Example() {
        // RFC 7636, Appendix B.
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.method == "S256")
    }

    @Test func randomVerifiersAreLongEnoughAndDiffer() {
        let first = PKCE.random()
        let second = PKCE.random()
        #expect(first.verifier.count >= 43 && first.verifier.count <= 128)
        #expect(first.verifier != second.verifier)
        #expect(!first.challenge.contains("=") && !first.challenge.contains("+") && !first.challenge.contains("/"))
    }

    @Test func formEncodingRoundTripsAndEscapesReservedCharacters() throws {
        let encoded = FormEncoding.encode([("redirect_uri", "http://h/a b?x=1&y"), ("scope", "openid email")])
        #expect(encoded == "redirect_uri=http%3A%2F%2Fh%2Fa%20b%3Fx%3D1%26y&scope=openid%20email")
        let decoded = try #require(FormEncoding.decode(encoded + "&plus=a+b"))
        #expect(decoded.map(\.0) == ["redirect_uri", "scope", "plus"])
        #expect(decoded.map(\.1) == ["http://h/a b?x=1&y", "openid email", "a b"])
        #expect(FormEncoding.decode("bad=%zz") == nil)
    }
}
