import SluiceCore
import Testing

@Suite struct ModelGlobTests {
    @Test func starMatchesAnyRunIncludingNone() {
        let glob = ModelGlob("*")
        #expect(glob.matches(""))
        #expect(glob.matches("claude-opus-4-1"))
        #expect(ModelGlob("gpt-*").matches("gpt-"))
        #expect(ModelGlob("gpt-*").matches("gpt-4o-mini"))
        #expect(!ModelGlob("gpt-*").matches("chatgpt-4o"))
        #expect(ModelGlob("*-mini").matches("gpt-4o-mini"))
        #expect(!ModelGlob("*-mini").matches("gpt-4o-mini-2024"))
    }

    @Test func questionMarkMatchesExactlyOneCharacter() {
        let glob = ModelGlob("gpt-?")
        #expect(glob.matches("gpt-4"))
        #expect(!glob.matches("gpt-"))
        #expect(!glob.matches("gpt-40"))
        #expect(ModelGlob("??").matches("é😀"))
    }

    @Test func bracketsAreLiteral() {
        let exact = ModelGlob("glm-5.2[1m]")
        #expect(exact.isLiteral)
        #expect(exact.matches("glm-5.2[1m]"))
        #expect(!exact.matches("glm-5.2"))
        #expect(!exact.matches("glm-5.21m"))
        #expect(!exact.matches("glm-5.2[2m]"))
        #expect(!exact.matches("glm-5.2m"))

        let anyVariant = ModelGlob("glm-5.2[*]")
        #expect(anyVariant.matches("glm-5.2[1m]"))
        #expect(anyVariant.matches("glm-5.2[]"))
        #expect(!anyVariant.matches("glm-5.2"))
        #expect(!anyVariant.matches("glm-5.2-1m"))
    }

    @Test func starsOnBothSidesOfAWord() {
        let glob = ModelGlob("claude-*haiku*")
        #expect(glob.matches("claude-3-5-haiku-latest"))
        #expect(glob.matches("claude-haiku-4-5"))
        #expect(glob.matches("claude-haiku"))
        #expect(!glob.matches("claude-opus"))
        #expect(!glob.matches("claude-3-5-haik"))
        #expect(!glob.matches("anthropic/claude-haiku"))
    }

    @Test func emptyPatternMatchesOnlyTheEmptyName() {
        let glob = ModelGlob("")
        #expect(glob.matches(""))
        #expect(!glob.matches("a"))
        #expect(glob.isLiteral)
    }

    @Test func matchingIsCaseSensitive() {
        #expect(!ModelGlob("Claude-*").matches("claude-opus"))
        #expect(!ModelGlob("gpt-4o").matches("GPT-4o"))
    }

    @Test func consecutiveAndTrailingStarsCollapse() {
        #expect(ModelGlob("a**b").matches("ab"))
        #expect(ModelGlob("a**b").matches("axyzb"))
        #expect(ModelGlob("abc***").matches("abc"))
        #expect(!ModelGlob("abc*?").matches("abc"))
    }

    @Test func backtracksAfterAPartialMatch() {
        // The first "ab" is a false start: the match must resume inside it.
        #expect(ModelGlob("*abc").matches("ababc"))
        #expect(ModelGlob("*a?c*").matches("xxabxabcx"))
        #expect(!ModelGlob("*abd").matches("ababc"))
    }

    @Test func pathologicalPatternFinishes() {
        let name = String(repeating: "a", count: 10_000)
        #expect(!ModelGlob("*a*a*a*a*a*b").matches(name))
        #expect(ModelGlob("*a*a*a*a*a*a").matches(name))
    }

    @Test func isLiteralOnlyWithoutWildcards() {
        #expect(ModelGlob("claude-opus-4-1").isLiteral)
        #expect(!ModelGlob("claude-*").isLiteral)
        #expect(!ModelGlob("gpt-?").isLiteral)
        #expect(ModelGlob("claude-*").description == "claude-*")
    }
}
