import Testing

import SluiceCrypto

@Suite struct SHA256Tests {
    @Test func sha256MatchesTheStandardTestVectors() {
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha256HashesUTF8() {
        #expect(SHA256.digest("é") != SHA256.digest("e\u{301}"))
        #expect(SHA256.digest("é").count == 32)
    }

    @Test func constantTimeEqualsComparesWholeDigests() {
        let digest = SHA256.digest("abc")
        var flippedLast = digest
        flippedLast[31] ^= 1
        var flippedFirst = digest
        flippedFirst[0] ^= 0x80
        #expect(SHA256.constantTimeEquals(digest, SHA256.digest("abc")))
        #expect(!SHA256.constantTimeEquals(digest, flippedLast))
        #expect(!SHA256.constantTimeEquals(digest, flippedFirst))
        #expect(!SHA256.constantTimeEquals(digest, Array(digest.prefix(31))))
        #expect(SHA256.constantTimeEquals([], []))
    }
}
