/// A collection's vectors in one contiguous buffer, searched exhaustively by cosine similarity.
///
/// Exact search costs one pass over `count × dimensions` floats per query: 100,000 passages of
/// 384 dimensions are 154 MB and take on the order of 10–20 ms on one core with the 8-wide SIMD
/// loop below, which is why the stage stays brute force up to that size. Vectors are normalised
/// when added, so a dot product is the cosine.
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
        var scored: [(id: Int64, score: Float)] = []
        scored.reserveCapacity(ids.count)
        values.withUnsafeBufferPointer { values in
            query.withUnsafeBufferPointer { query in
                for row in ids.indices {
                    let start = row * dimensions
                    scored.append((ids[row], Self.dot(UnsafeBufferPointer(rebasing: values[start..<start + dimensions]), query)))
                }
            }
        }
        if scored.count > limit {
            scored.sort { $0.score > $1.score }
            return Array(scored.prefix(limit))
        }
        return scored.sorted { $0.score > $1.score }
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
