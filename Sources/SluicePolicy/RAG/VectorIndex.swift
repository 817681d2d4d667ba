/// A collection's vectors in one contiguous buffer, searched exhaustively by cosine similarity.
///
/// Exact search costs one pass over `count × dimensions` floats per query, with the 8-wide SIMD
/// dot product below: 100,000 passages of 384 dimensions hold 154 MB and took 15–17 ms a query
/// (release build, one core of a busy 2-core machine). Past that size an approximate index
/// would pay off; below it, brute force is exact and needs no index upkeep. Vectors are
/// normalised when added, so a dot product is the cosine.
public struct VectorIndex: Sendable {
    public let dimensions: Int
    private(set) var ids: [Int64] = []
    private var values: [Float] = []

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public var count: Int { ids.count }

    /// Adds `vector` under `id`; a vector of another length, or of zero length, is left out.
    public mutating func add(id: Int64, vector: [Float]) {
        guard vector.count == dimensions, let normalized = Self.normalized(vector) else { return }
        ids.append(id)
        values += normalized
    }

    /// The `limit` most similar vectors to `query`, most similar first.
    public func search(_ query: [Float], limit: Int) -> [(id: Int64, score: Float)] {
        guard query.count == dimensions, limit > 0, let query = Self.normalized(query) else { return [] }
        // The best so far, best first: a passage enters only when it beats the worst kept, so the
        // cost beyond the dot products is small for the few dozen a query asks for.
        var best: [(id: Int64, score: Float)] = []
        best.reserveCapacity(limit + 1)
        values.withUnsafeBufferPointer { values in
            query.withUnsafeBufferPointer { query in
                for row in ids.indices {
                    let start = row * dimensions
                    let score = Self.dot(UnsafeBufferPointer(rebasing: values[start..<start + dimensions]), query)
                    if best.count == limit, score <= best[limit - 1].score { continue }
                    let position = best.firstIndex { $0.score < score } ?? best.count
                    best.insert((ids[row], score), at: position)
                    if best.count > limit { best.removeLast() }
                }
            }
        }
        return best
    }

    /// The dot product eight lanes at a time, then the remainder.
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        while index + 8 <= a.count {
            let x = UnsafeRawPointer(a.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            lanes += x * y
            index += 8
        }
        var sum = lanes.sum()
        while index < a.count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    static func normalized(_ vector: [Float]) -> [Float]? {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite else { return nil }
        return vector.map { $0 / length }
    }
}
