import SluiceCore

/// Text as it appears inside a JSON string — the form of streamed tool-call arguments, which are
/// scanned without being decoded.
enum JSONStringFragment {
    /// `text` escaped for the inside of a JSON string (no quotes around it).
    static func escape(_ text: String) -> String {
        let quoted = JSONValue.string(text).serialized()
        return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
    }

    /// The text a fragment of a JSON string stands for; `nil` if it is not one (a lone quote, a
    /// cut escape).
    static func unescape(_ fragment: String) -> String? {
        guard fragment.utf8.contains(UInt8(ascii: "\\")) else { return fragment }
        return (try? JSONParser.parse("\"\(fragment)\""))?.stringValue
    }

    /// `range` widened so it neither starts nor ends inside an escape sequence of `bytes`, so that
    /// replacing it keeps the JSON valid. Built-in patterns never need this; custom ones might.
    static func widened(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        if let escape = escape(around: lower, in: bytes) { lower = escape.lowerBound }
        if let escape = escape(around: upper, in: bytes) { upper = escape.upperBound }
        return lower..<upper
    }

    /// The escape sequence that `offset` falls strictly inside of, if any.
    private static func escape(around offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let backslash = UInt8(ascii: "\\")
        // An escape is at most six bytes (`\uXXXX`): look for its backslash up to five bytes back.
        for start in stride(from: offset - 1, through: max(0, offset - 5), by: -1) where bytes[start] == backslash {
            // The backslash starts an escape only if the run of backslashes ending at it is odd.
            var run = 1
            while start - run >= 0, bytes[start - run] == backslash { run += 1 }
            guard run % 2 == 1 else { return nil }
            let length = start + 1 < bytes.count && bytes[start + 1] == UInt8(ascii: "u") ? 6 : 2
            let end = min(start + length, bytes.count)
            return offset < end ? start..<end : nil
        }
        return nil
    }
}
