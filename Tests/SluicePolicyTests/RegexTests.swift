import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct RegexTests {
    private func firstMatch(_ regex: PCRE2Regex, in text: String, from offset: Int = 0, partial: Bool = false) throws -> PCRE2MatchResult {
        let scratch = PCRE2MatchData()
        return try Array(text.utf8).withUnsafeBufferPointer { try regex.firstMatch(in: $0, from: offset, partial: partial, using: scratch) }
    }

    @Test func findsTheFirstMatchFromAnOffset() throws {
        let regex = try PCRE2Regex("[0-9]+")
        #expect(try firstMatch(regex, in: "ab 12 cd 345") == .match(3..<5))
        #expect(try firstMatch(regex, in: "ab 12 cd 345", from: 5) == .match(9..<12))
        #expect(try firstMatch(regex, in: "no digits") == .noMatch)
        #expect(try firstMatch(regex, in: "") == .noMatch)
    }

    @Test func compilesWithJIT() throws {
        #expect(try PCRE2Regex("a+b").isJITCompiled)
    }

    @Test func offsetsAreBytesOfUTF8() throws {
        let regex = try PCRE2Regex("b+")
        // "é" is two bytes, "€" three.
        #expect(try firstMatch(regex, in: "é€bb") == .match(5..<7))
    }

    @Test func compileErrorsGiveMessageAndOffset() throws {
        let error = try #require(throws: PCRE2Error.self) { try PCRE2Regex("ab(cd") }
        #expect(error.patternOffset == 5)
        #expect(error.message.contains("missing closing parenthesis"))
        #expect(!error.isResourceLimit)
    }

    @Test func caselessAndUnicodeOptions() throws {
        let regex = try PCRE2Regex(#"\bécole\b"#, options: [.caseless, .unicodeProperties])
        // "é" is a letter: the first "école" is inside a word. "ÉCOLE" starts at byte 11.
        #expect(try firstMatch(regex, in: "préécole ÉCOLE") == .match(11..<17))
    }

    @Test func partialMatchingReportsWhereAMatchCouldStillStart() throws {
        let regex = try PCRE2Regex(#"(?<![a-z])[a-z]+@[a-z]+\.com"#)
        #expect(try firstMatch(regex, in: "mail john@exa", partial: true) == .partial(from: 5))
        #expect(try firstMatch(regex, in: "mail john@example.com now", partial: true) == .match(5..<21))
        // Without partial matching, the cut text is simply no match.
        #expect(try firstMatch(regex, in: "mail john@exa") == .noMatch)
    }

    @Test func partialMatchingHoldsAGreedyMatchThatCouldGrow() throws {
        let regex = try PCRE2Regex("[0-9]{3,}")
        #expect(try firstMatch(regex, in: "id 12345", partial: true) == .partial(from: 3))
        #expect(try firstMatch(regex, in: "id 12345 ", partial: true) == .match(3..<8))
    }

    @Test func hittingTheMatchLimitIsAResourceLimitError() throws {
        let regex = try PCRE2Regex("(a+)+$")
        let error = try #require(throws: PCRE2Error.self) { try firstMatch(regex, in: String(repeating: "a", count: 40) + "!") }
        #expect(error.isResourceLimit)
        #expect(error.description.contains("resourceLimit"))
    }

    @Test func benignLongInputStaysWithinTheLimit() throws {
        var limits = PCRE2Regex.Limits()
        limits.matchLimit = 10_000
        let regex = try PCRE2Regex(#"(?<![a-z])[a-z]{1,64}@[a-z]+\.[a-z]{2,}"#, limits: limits)
        let text = String(repeating: "lorem ipsum dolor @ sit amet ", count: 40_000)
        #expect(try firstMatch(regex, in: text) == .noMatch)
    }

    @Test func calloutValidatorsCanRejectACandidate() throws {
        let evenLength: PCRE2Regex.Validator = { $0.count % 2 == 0 }
        let regex = try PCRE2Regex("(?<![0-9])[0-9]+(?![0-9])(?C1)", validators: [1: evenLength])
        // "123" fails the check, so the match is the next whole run.
        #expect(try firstMatch(regex, in: "123 4567 89") == .match(4..<8))
    }

    @Test func calloutsInPatternsWithoutValidatorsAreIgnored() throws {
        let regex = try PCRE2Regex("a(?C1)b")
        #expect(try firstMatch(regex, in: "xab") == .match(1..<3))
    }

    @Test func scannerTakesTheEarliestThenTheLongestMatch() throws {
        let scanner = PatternScanner([
            PatternScanner.Pattern(try PCRE2Regex("ab"), tag: 1),
            PatternScanner.Pattern(try PCRE2Regex("abc"), tag: 2),
            PatternScanner.Pattern(try PCRE2Regex("b+c"), tag: 7),
            PatternScanner.Pattern(try PCRE2Regex("x"), tag: 8),
        ])
        let matches = try scanner.matches(in: "abc bbc x ab")
        #expect(
            matches == [
                .init(range: 0..<3, tag: 2), .init(range: 4..<7, tag: 7), .init(range: 8..<9, tag: 8), .init(range: 10..<12, tag: 1),
            ]
        )
        #expect(try scanner.matches(in: "abc bbc", firstOnly: true) == [.init(range: 0..<3, tag: 2)])
    }

    @Test func aRequiredByteSkipsToWhereAMatchCanBe() throws {
        let email = try PCRE2Regex(#"(?<![a-z.])[a-z.]{1,10}@[a-z]+\.com"#)
        let skipping = PatternScanner([PatternScanner.Pattern(email, tag: 0, requiredByte: .init("@", within: 11))])
        let plain = PatternScanner([PatternScanner.Pattern(email, tag: 0)])
        for text in [
            "no at sign here", "x ann@b.com y", "é€ long.words before bob@example.com and @ alone, jo.e@x.com",
            String(repeating: "a", count: 30) + "@b.com",
        ] {
            #expect(try skipping.matches(in: text) == plain.matches(in: text), "\(text)")
        }
        // Streaming: a match still missing its "@" can only have started in the last bytes.
        for text in ["hello ann", "hello ann@ex", String(repeating: "word ", count: 10) + "ab.cd"] {
            let bytes = Array(text.utf8)
            let held = try bytes.withUnsafeBufferPointer { try skipping.scan($0, from: 0, partial: true).holdFrom }
            let expected = try bytes.withUnsafeBufferPointer { try plain.scan($0, from: 0, partial: true).holdFrom }
            #expect(held == expected, "\(text)")
        }
    }

    @Test func shortTextIsSkippedWithoutMatching() throws {
        let regex = try PCRE2Regex("AKIA[0-9A-Z]{16}")
        #expect(regex.minLength == 20)
        #expect(try PatternScanner([PatternScanner.Pattern(regex, tag: 0)]).matches(in: "AKIA123").isEmpty)
    }

    @Test func scannerHoldsFromTheEarliestPossibleStartAcrossPatterns() throws {
        let scanner = PatternScanner([
            PatternScanner.Pattern(try PCRE2Regex("abcd"), tag: 1),
            PatternScanner.Pattern(try PCRE2Regex("cx"), tag: 2),
        ])
        // "abc" could still become "abcd" (from 3), and its "c" could become "cx" (from 5).
        let result = try Array("cx abc".utf8).withUnsafeBufferPointer { try scanner.scan($0, from: 0, partial: true) }
        #expect(result.matches == [.init(range: 0..<2, tag: 2)])
        #expect(result.holdFrom == 3)
    }

    @Test func partialBufferFindsMatchesCutAtEveryBoundary() throws {
        let scanner = PatternScanner([PatternScanner.Pattern(try PCRE2Regex(#"(?<![a-z])[a-z]+@[a-z]+\.com(?![a-z])"#), tag: 0)])
        let text = "to john@example.com and ann@test.com."
        for cut in characterBoundaries(text) {
            var buffer = PartialMatchBuffer()
            var released: [UInt8] = []
            var found: [String] = []
            for piece in split(text, at: [cut]) {
                let release = try buffer.append(piece, scanner: scanner)
                found += release.matches.map { String(decoding: release.bytes[$0.range], as: UTF8.self) }
                released += release.bytes
            }
            let last = try buffer.finish(scanner: scanner)
            found += last.matches.map { String(decoding: last.bytes[$0.range], as: UTF8.self) }
            released += last.bytes
            #expect(found == ["john@example.com", "ann@test.com"], "cut at \(cut)")
            #expect(String(decoding: released, as: UTF8.self) == text)
        }
    }

    @Test func partialBufferKeepsLookbehindContextAcrossChunks() throws {
        let scanner = PatternScanner([PatternScanner.Pattern(try PCRE2Regex("(?<![a-z])key"), tag: 0)])
        var buffer = PartialMatchBuffer()
        #expect(try buffer.append("monkey", scanner: scanner).matches.isEmpty)
        // "key" right after "mon" is inside a word even though the chunks were cut there.
        var chunked = PartialMatchBuffer()
        #expect(try chunked.append("mon", scanner: scanner).matches.isEmpty)
        #expect(try chunked.append("key", scanner: scanner).matches.isEmpty)
        #expect(try chunked.finish(scanner: scanner).matches.isEmpty)
    }

    @Test func partialBufferHoldsOnlyWhatAMatchCouldNeed() throws {
        let scanner = PatternScanner([PatternScanner.Pattern(try PCRE2Regex(#"(?<![a-z])[a-z]{1,20}@[a-z]+\.com"#), tag: 0)])
        var buffer = PartialMatchBuffer()
        var released = 0
        for _ in 0..<200 {
            released += try buffer.append("lorem ipsum dolor sit amet, ", scanner: scanner).bytes.count
            #expect(buffer.heldByteCount == 0)
        }
        released += try buffer.append("consectetur", scanner: scanner).bytes.count
        #expect(buffer.heldByteCount == "consectetur".utf8.count)
        // A word longer than the longest possible local part cannot start a match.
        _ = try buffer.append(String(repeating: "x", count: 25), scanner: scanner)
        #expect(buffer.heldByteCount == 0)
    }
}
