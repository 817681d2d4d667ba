import Testing

@testable import SluiceStore

@Suite struct KeyHashTests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func sha256MatchesTheStandardTestVectors() {
        #expect(hex(KeyHash.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(KeyHash.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            hex(KeyHash.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha256HashesUTF8() {
        #expect(KeyHash.sha256("é") != KeyHash.sha256("e\u{301}"))
        #expect(KeyHash.sha256("é").count == 32)
    }

    @Test func constantTimeEqualsComparesWholeDigests() {
        let digest = KeyHash.sha256("abc")
        var flippedLast = digest
        flippedLast[31] ^= 1
        var flippedFirst = digest
        flippedFirst[0] ^= 0x80
        #expect(KeyHash.constantTimeEquals(digest, KeyHash.sha256("abc")))
        #expect(!KeyHash.constantTimeEquals(digest, flippedLast))
        #expect(!KeyHash.constantTimeEquals(digest, flippedFirst))
        #expect(!KeyHash.constantTimeEquals(digest, Array(digest.prefix(31))))
        #expect(KeyHash.constantTimeEquals([], []))
    }
}
