/// Tells, fragment by fragment, whether streamed JSON text has closed its top-level value.
///
/// ``OpenAIStreamDecoder`` uses it to know when a tool call's arguments are whole: only then may
/// the call's block close and the next call's begin, so servers that interleave the argument
/// fragments of parallel calls still yield each call's arguments in one piece.
struct JSONCompletionScanner: Sendable {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var opened = false

    /// Whether the text so far is one complete object or array (trailing whitespace allowed).
    var isComplete: Bool { opened && depth <= 0 && !inString }

    mutating func feed(_ fragment: String) {
        for byte in fragment.utf8 {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                opened = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
    }
}
