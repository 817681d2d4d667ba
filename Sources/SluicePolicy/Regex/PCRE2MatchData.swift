internal import CPCRE2

/// PCRE2's per-match scratch: the offsets of the last match, its mark, and the interpreter's
/// backtracking frames, kept between calls so repeated matches do not allocate.
///
/// Not `Sendable`: a match writes into it, so each caller makes its own (one per scan) and uses it
/// from one thread.
final class PCRE2MatchData {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer?) {
        // pcre2_match_data_create* fails only when malloc does.
        guard let pointer else { fatalError("PCRE2: out of memory creating match data") }
        self.pointer = pointer
    }

    deinit {
        pcre2_match_data_free_8(pointer)
    }

    /// Where the last match (or partial match) started, in bytes.
    var matchStart: Int { Int(pcre2_get_ovector_pointer_8(pointer)[0]) }

    /// Where the last complete match ended, in bytes.
    var matchEnd: Int { Int(pcre2_get_ovector_pointer_8(pointer)[1]) }

    /// The last `(*MARK:n)` of the last match, when its name is a decimal number.
    var markNumber: Int? {
        guard var character = pcre2_get_mark_8(pointer) else { return nil }
        var number = 0
        var digits = 0
        while case let byte = character.pointee, byte != 0 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9 else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            character += 1
        }
        return digits > 0 ? number : nil
    }
}
