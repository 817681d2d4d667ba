import Foundation
import JWTKit
import Synchronization
import Testing

@testable import SluiceSSO

@Suite struct OpenIDKeySetTests {
    struct Claims: JWTPayload {
        var sub = "u-1"
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func jwks(_ keys: [(String, ES256PrivateKey)]) -> [UInt8] {
        let entries = keys.map { kid, key in
            let parameters = key.publicKey.parameters!
            return #"{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"\#(kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        }
        return Array(#"{"keys":[\#(entries.joined(separator: ","))]}"#.utf8)
    }

    static func sign(with key: ES256PrivateKey, kid: String) async throws -> IDToken {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        return try IDToken(try await keys.sign(Claims(), kid: JWKIdentifier(string: kid)))
    }

    @Test func aTokenSignedWithAPublishedKeyVerifies() async throws {
        let key = ES256PrivateKey()
        let set = OpenIDKeySet { Self.jwks([("k1", key)]) }
        try await set.verifySignature(of: try await Self.sign(with: key, kid: "k1"))
    }

    @Test func aTokenSignedWithAnotherKeyUnderAKnownIDIsABadSignature() async throws {
        let published = ES256PrivateKey()
        let set = OpenIDKeySet { Self.jwks([("k1", published)]) }
        let forged = try await Self.sign(with: ES256PrivateKey(), kid: "k1")
        await #expect(throws: SignInError.badSignature) { try await set.verifySignature(of: forged) }
    }

    @Test func anUnknownKeyIDFetchesTheKeysAgainOnce() async throws {
        let old = ES256PrivateKey()
        let new = ES256PrivateKey()
        let fetches = Atomic(0)
        let set = OpenIDKeySet(refetchInterval: .zero) {
            // The issuer rolls its keys over after the first fetch.
            fetches.add(1, ordering: .relaxed).newValue == 1 ? Self.jwks([("old", old)]) : Self.jwks([("old", old), ("new", new)])
        }
        try await set.verifySignature(of: try await Self.sign(with: old, kid: "old"))
        try await set.verifySignature(of: try await Self.sign(with: new, kid: "new"))
        #expect(fetches.load(ordering: .relaxed) == 2)
        await #expect(throws: SignInError.unknownSigningKey) {
            try await set.verifySignature(of: try await Self.sign(with: new, kid: "never-published"))
        }
    }

    @Test func unknownKeysDoNotRefetchWithinTheInterval() async throws {
        let key = ES256PrivateKey()
        let fetches = Atomic(0)
        let set = OpenIDKeySet(refetchInterval: .seconds(60)) {
            fetches.add(1, ordering: .relaxed)
            return Self.jwks([("k1", key)])
        }
        try await set.verifySignature(of: try await Self.sign(with: key, kid: "k1"))
        for _ in 0..<3 {
            await #expect(throws: SignInError.unknownSigningKey) {
                try await set.verifySignature(of: try await Self.sign(with: key, kid: "k2"))
            }
        }
        #expect(fetches.load(ordering: .relaxed) == 1)
    }
}
