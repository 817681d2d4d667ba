package import Foundation

/// How passage vectors are stored: Float32s, little-endian, one after another (a SQLite BLOB,
/// a PostgreSQL `bytea`), so both stores read what either wrote.
package enum VectorBlob {
    package static func data(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    package static func vector(_ data: Data) -> [Float] {
        data.withUnsafeBytes { bytes in
            (0..<bytes.count / 4).map { index in
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }
}
