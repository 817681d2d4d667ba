import SluicePolicy
import Testing

@Suite struct RetrievalRankingTests {
    @Test func fusionFavoursItemsBothRankingsPlaceWell() {
        let fused = ReciprocalRankFusion.fuse([[3, 1, 2], [1, 4, 3]])
        #expect(fused.map(\.id) == [1, 3, 4, 2])
        #expect(abs(fused[0].score - (1.0 / 62 + 1.0 / 61)) < 1e-12)
    }

    @Test func fusionBreaksTiesByFirstAppearance() {
        #expect(ReciprocalRankFusion.fuse([["a"], ["b"]]).map(\.id) == ["a", "b"])
        #expect(ReciprocalRankFusion.fuse([["b"], ["a"]]).map(\.id) == ["b", "a"])
    }

    @Test func vectorSearchRanksByCosineWhateverTheLength() {
        var index = VectorIndex(dimensions: 10)
        index.add(id: 1, vector: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        index.add(id: 2, vector: [0, 5, 0, 0, 0, 0, 0, 0, 0, 0])
        index.add(id: 3, vector: [3, 3, 0, 0, 0, 0, 0, 0, 0, 1])
        index.add(id: 4, vector: [1, 2, 3])  // another length: left out
        #expect(index.count == 3)
        let found = index.search([0, 2, 0, 0, 0, 0, 0, 0, 0, 0], limit: 2)
        #expect(found.map(\.id) == [2, 3])
        #expect(abs(found[0].score - 1) < 1e-6)
    }

    @Test func theBestFewOfManyAreTheHeadOfAFullSort() {
        var index = VectorIndex(dimensions: 16)
        for row in 0..<300 {
            let vector: [Float] = (0..<16).map { column in Float((column * 31 + row * 17) % 23) - 11 }
            index.add(id: Int64(row), vector: vector)
        }
        let query: [Float] = (0..<16).map { Float($0 % 5) - 2 }
        let all = index.search(query, limit: 300)
        #expect(all.count == 300)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(index.search(query, limit: 10).map(\.id) == all.prefix(10).map(\.id))
    }

    @Test func theSIMDDotProductMatchesAPlainOne() {
        let count = 389  // not a multiple of eight: the remainder loop counts too
        let a = (0..<count).map { Float(($0 * 7) % 13) - 6 }
        let b = (0..<count).map { Float(($0 * 5) % 11) - 5 }
        var index = VectorIndex(dimensions: count)
        index.add(id: 1, vector: a)
        let plain = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let lengths = a.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() * b.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(index.search(b, limit: 1)[0].score - plain / lengths) < 1e-5)
    }
}
