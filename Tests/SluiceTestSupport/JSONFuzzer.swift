public import SluiceCore

/// Generates and mutates JSON for property tests of the parser and the request decoders.
///
/// Two kinds of mutation: of bytes (flips, insertions, deletions, truncations, which mostly make
/// malformed text) and of values (a field replaced by a value of another type or an extreme
/// number, removed, or duplicated deeper), which reach the decoders' validation.
public struct JSONFuzzer {
    public var random: SeededGenerator

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// Values and texts that trip parsers and validators up.
    static let trickyStrings = ["", " ", "\u{0}", "\u{FFFD}", "😀", "\u{202E}", "a\"b", "\\u0000", "null", "-0", "1e999"]
    static let trickyNumbers = [
        "0", "-0", "1", "-1", "2", "0.5", "1e308", "-1e308", "1e-400", "1e999", "9223372036854775807", "-9223372036854775808",
        "18446744073709551616", "123456789012345678901234567890", "1.0", "2.5", "-2.01",
    ]
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "true", "null", "-", "e", "\u{0}", "\u{FF}",
    ]
    .map { Array($0.utf8) }

    // MARK: - Values

    public mutating func value(depth: Int = 0) -> JSONValue {
        let kinds = depth > 4 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(Self.trickyNumbers.randomElement(using: &random)!)
        case 3: return .string(string())
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &random) { object[string()] = value(depth: depth + 1) }
            return .object(object)
        }
    }

    public mutating func string() -> String {
        if Bool.random(using: &random) { return Self.trickyStrings.randomElement(using: &random)! }
        let scalars = (0..<Int.random(in: 0...8, using: &random)).compactMap { _ in
            Unicode.Scalar(UInt32.random(in: 0...0x1_0FFF, using: &random))
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `value` with one node somewhere inside replaced, removed (from its object) or given a sibling.
    public mutating func mutate(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var object) where !object.isEmpty && Int.random(in: 0..<4, using: &random) > 0:
            let key = object.keys.randomElement(using: &random)!
            switch Int.random(in: 0..<6, using: &random) {
            case 0: object[key] = nil
            case 1: object[key] = self.value()
            case 2: object[string()] = self.value()
            default: object[key] = mutate(object[key]!)
            }
            return .object(object)
        case .array(var elements) where !elements.isEmpty && Int.random(in: 0..<4, using: &random) > 0:
            let index = elements.indices.randomElement(using: &random)!
            switch Int.random(in: 0..<5, using: &random) {
            case 0: elements.remove(at: index)
            case 1: elements.append(self.value())
            default: elements[index] = mutate(elements[index])
            }
            return .array(elements)
        default:
            return self.value()
        }
    }

    // MARK: - Bytes

    /// `bytes` with a few random edits, or cut short.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where position < bytes.count: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1 where position < bytes.count: bytes.remove(at: position)
            case 2: bytes.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: position)
            case 3: bytes.removeSubrange(position...)
            default: bytes.insert(UInt8.random(in: 0...127, using: &random), at: position)
            }
        }
        return bytes
    }
}
