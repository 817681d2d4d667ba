/// Merges rankings that score on different scales (BM25, cosine similarity) by rank alone:
/// each item scores the sum of `1 / (k + rank)` over the rankings it appears in (rank from 1).
///
/// ```swift
/// ReciprocalRankFusion.fuse([[3, 1, 2], [1, 4]])  // 1 first: high in both
/// ```
///
/// `k = 60` is the constant of Cormack, Clarke and Büttcher (2009): it damps the head of each
/// ranking, so an item ranked well by both beats one ranked first by one alone.
public enum ReciprocalRankFusion {
    public static func fuse<ID: Hashable>(_ rankings: [[ID]], k: Double = 60) -> [(id: ID, score: Double)] {
        var scores: [ID: Double] = [:]
        var firstSeen: [ID: Int] = [:]
        var order = 0
        for ranking in rankings {
            for (index, id) in ranking.enumerated() {
                scores[id, default: 0] += 1 / (k + Double(index + 1))
                if firstSeen[id] == nil {
                    firstSeen[id] = order
                    order += 1
                }
            }
        }
        // Ties go to the item seen first, so the order is stable run to run.
        return scores.map { (id: $0.key, score: $0.value) }.sorted { a, b in
            a.score != b.score ? a.score > b.score : firstSeen[a.id]! < firstSeen[b.id]!
        }
    }
}
