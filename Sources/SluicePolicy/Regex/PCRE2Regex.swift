internal import CPCRE2

/// A PCRE2 pattern compiled once — JIT-compiled for complete and hard-partial matching when the
/// platform allows — and matched from any number of requests at once.
///
/// ```swift
/// let regex = try PCRE2Regex(#"\bEMP-[0-9]{6}\b"#)
/// let scratch = PCRE2MatchData()
/// let found = try bytes.withUnsafeBufferPointer { try regex.firstMatch(in: $0, from: 0, partial: false, using: scratch) }
/// ```
///
/// Patterns are compiled in UTF mode; subjects must be valid UTF-8 and offsets must fall on
/// character boundaries (every Swift string and every offset PCRE2 returns does).
///
/// Hostile input cannot run forever: every match runs under ``Limits``, and reaching one throws a
/// ``PCRE2Error`` whose ``PCRE2Error/isResourceLimit`` is true, so callers can fail closed.
///
/// `@unchecked Sendable`: the compiled code, its JIT code and the match context (limits, callout
/// table) are written only in `init` and only read afterwards, which PCRE2 documents as safe from
/// several threads at once. Everything a match writes lives in a ``PCRE2MatchData`` that belongs
/// to one call.
final class PCRE2Regex: @unchecked Sendable {
    struct Options: OptionSet, Sendable {
        let rawValue: UInt32

        /// Case-insensitive matching (`PCRE2_CASELESS`), with Unicode case folding.
        static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
        /// `\w`, `\d`, `\s` and `\b` follow Unicode properties (`PCRE2_UCP`), not ASCII only.
        static let unicodeProperties = Options(rawValue: UInt32(PCRE2_UCP))
    }

    /// Bounds on one `firstMatch` call.
    struct Limits: Sendable, Hashable {
        /// `pcre2_set_match_limit`: backtracking steps per start position (interpreter and JIT).
        var matchLimit: UInt32 = 2_000_000
        /// `pcre2_set_depth_limit`: backtracking depth (interpreter only; the JIT has its own stack limit).
        var depthLimit: UInt32 = 100_000
        /// `pcre2_set_heap_limit`: KiB of heap for backtracking frames (interpreter only).
        var heapLimitKiB: UInt32 = 32_768

        init() {}
    }

    /// Checks a candidate at a callout `(?C n)`: gets the bytes matched so far (from the start of
    /// the match attempt to the callout) and returns whether to go on; `false` makes PCRE2 backtrack,
    /// as if the pattern had not matched there.
    typealias Validator = @Sendable (UnsafeBufferPointer<UInt8>) -> Bool

    /// The pattern as written.
    let pattern: String
    /// The longest lookbehind, in characters: how much text before a start offset a match may inspect.
    let maxLookbehind: Int
    /// No match is shorter than this many bytes.
    let minLength: Int
    /// Whether matching runs JIT code (otherwise PCRE2's interpreter).
    let isJITCompiled: Bool

    private let code: OpaquePointer
    private let matchContext: OpaquePointer
    /// Referenced (unretained) by the match context as callout data, so it lives as long as `self`.
    private let callouts: CalloutTable?

    /// Compiles `pattern`.
    ///
    /// - Parameters:
    ///   - pattern: PCRE2 syntax, compiled with `PCRE2_UTF`.
    ///   - options: extra compile options.
    ///   - limits: bounds applied to every match.
    ///   - validators: functions called at numbered callouts `(?C1)`, `(?C2)` … in the pattern.
    ///     Without validators callouts are ignored, so callouts in user patterns do nothing.
    /// - Throws: ``PCRE2Error`` with PCRE2's message and the offset of the problem in the pattern.
    init(_ pattern: String, options: Options = [], limits: Limits = Limits(), validators: [UInt32: Validator] = [:]) throws(PCRE2Error) {
        var errorNumber: Int32 = 0
        var errorOffset = 0
        let compileOptions = UInt32(PCRE2_UTF) | options.rawValue
        let compiled = Array(pattern.utf8).withUnsafeBufferPointer { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, compileOptions, &errorNumber, &errorOffset, nil)
        }
        guard let compiled else { throw PCRE2Error(errorNumber, patternOffset: errorOffset) }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            fatalError("PCRE2: out of memory creating a match context")
        }

        self.pattern = pattern
        self.code = compiled
        self.matchContext = context
        // A platform without JIT support falls back to the interpreter; the results are the same.
        self.isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE) | UInt32(PCRE2_JIT_PARTIAL_HARD)) == 0
        var lookbehind: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MAXLOOKBEHIND), &lookbehind)
        self.maxLookbehind = Int(lookbehind)
        var minLength: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MINLENGTH), &minLength)
        self.minLength = Int(minLength)

        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        if validators.isEmpty {
            self.callouts = nil
        } else {
            let table = CalloutTable(validators: validators)
            self.callouts = table
            pcre2_set_callout_8(context, runCallout, Unmanaged.passUnretained(table).toOpaque())
        }
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// The first match starting at or after `offset`.
    ///
    /// With `partial`, matching uses `PCRE2_PARTIAL_HARD`: if, at some start position before any
    /// complete match, the subject ends while a match is still possible, the result is
    /// ``PCRE2MatchResult/partial(from:)`` with that position — where a stream must hold back.
    /// Empty matches are never reported.
    func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>,
        from offset: Int,
        partial: Bool,
        using matchData: PCRE2MatchData
    ) throws(PCRE2Error) -> PCRE2MatchResult {
        guard let base = subject.baseAddress, offset < subject.count else { return .noMatch }
        // Subjects are built from Swift strings, which are valid UTF-8: skip PCRE2's re-check,
        // which would otherwise rescan the subject on every call.
        var options = UInt32(PCRE2_NO_UTF_CHECK) | UInt32(PCRE2_NOTEMPTY)
        if partial { options |= UInt32(PCRE2_PARTIAL_HARD) }
        let result = pcre2_match_8(code, base, subject.count, offset, options, matchData.pointer, matchContext)
        switch result {
        case PCRE2_ERROR_NOMATCH:
            return .noMatch
        case PCRE2_ERROR_PARTIAL:
            return .partial(from: matchData.matchStart)
        case ..<0:
            throw PCRE2Error(result)
        default:
            return .match(matchData.matchStart..<matchData.matchEnd)
        }
    }
}

/// What ``PCRE2Regex/firstMatch(in:from:partial:using:)`` found.
enum PCRE2MatchResult: Hashable, Sendable {
    /// A complete match.
    case match(Range<Int>)
    /// The subject ended while a match starting here was still possible.
    case partial(from: Int)
    case noMatch
}

/// The validators one regex calls from its callouts.
private final class CalloutTable: Sendable {
    let validators: [UInt32: PCRE2Regex.Validator]

    init(validators: [UInt32: PCRE2Regex.Validator]) {
        self.validators = validators
    }
}

/// PCRE2's callout function: finds the validator for the callout's number and asks it about the
/// text from the start of the match attempt to the callout. Returns 0 to go on, 1 to backtrack.
private func runCallout(_ block: UnsafeMutablePointer<pcre2_callout_block_8>?, _ data: UnsafeMutableRawPointer?) -> Int32 {
    guard let block, let data else { return 0 }
    let table = Unmanaged<CalloutTable>.fromOpaque(data).takeUnretainedValue()
    guard let validator = table.validators[block.pointee.callout_number], let subject = block.pointee.subject else { return 0 }
    let start = block.pointee.start_match
    let candidate = UnsafeBufferPointer(start: subject + start, count: block.pointee.current_position - start)
    return validator(candidate) ? 0 : 1
}
