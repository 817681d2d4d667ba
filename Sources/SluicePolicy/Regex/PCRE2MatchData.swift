internal import CPCRE2

/// PCRE2's per-match scratch: the offsets of the last match and the interpreter's backtracking
/// frames, kept between calls so repeated matches do not allocate. One serves any pattern: only
/// the offsets of the whole match are read.
///
/// Not `Sendable`: a match writes into it, so each scan makes its own and uses it from one thread.
final class PCRE2MatchData {
    let pointer: OpaquePointer

    init() {
        // One offset pair: the whole match. Creation fails only when malloc does.
        guard let pointer = pcre2_match_data_create_8(1, nil) else { fatalError("PCRE2: out of memory creating match data") }
        self.pointer = pointer
    }

    deinit {
        pcre2_match_data_free_8(pointer)
    }

    /// Where the last match (or partial match) started, in bytes.
    var matchStart: Int { Int(pcre2_get_ovector_pointer_8(pointer)[0]) }

    /// Where the last complete match ended, in bytes.
    var matchEnd: Int { Int(pcre2_get_ovector_pointer_8(pointer)[1]) }
}
