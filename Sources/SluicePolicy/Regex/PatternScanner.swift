#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Several compiled patterns searched together, left to right, as one.
///
/// At each point the match that starts first wins — on a tie the longer one, then the earlier
/// pattern — and the search resumes after it, so matches never overlap. Each match carries its
/// pattern's tag.
///
/// Patterns are matched one by one rather than as a single alternation: on its own, each keeps
/// PCRE2's start-of-match optimisations (a literal first character found with `memchr`, a
/// bitmap of possible first characters), which an alternation of a dozen patterns loses — on a
/// 50 KB request that is about 0.3 ms against 2.6 ms. A pattern whose matches all contain a
/// given byte near their start (`@` in an email) can say so, and the scan skips to it.
struct PatternScanner: Sendable {
    struct Pattern: Sendable {
        let regex: PCRE2Regex
        let tag: Int
        let requiredByte: RequiredByte?

        init(_ regex: PCRE2Regex, tag: Int, requiredByte: RequiredByte? = nil) {
            self.regex = regex
            self.tag = tag
            self.requiredByte = requiredByte
        }
    }

    /// A byte that every match contains among its first `within` bytes: no match can start more
    /// than `within - 1` bytes before the next occurrence of the byte.
    struct RequiredByte: Sendable, Hashable {
        let byte: UInt8
        let within: Int

        init(_ character: Unicode.Scalar, within: Int) {
            precondition(character.isASCII && within > 0)
            self.byte = UInt8(ascii: character)
            self.within = within
        }
    }

    struct Match: Hashable, Sendable {
        var range: Range<Int>
        var tag: Int
    }

    struct Result: Sendable {
        /// Complete matches in order, as byte offsets into the subject.
        var matches: [Match] = []
        /// With partial matching: where, after the last match, a match could still start if more
        /// text followed. Everything from here on must be held back.
        var holdFrom: Int?
    }

    let patterns: [Pattern]
    /// How many bytes before a start offset matching may inspect (lookbehinds, in UTF-8).
    let lookbehindBytes: Int

    init(_ patterns: [Pattern]) {
        self.patterns = patterns
        self.lookbehindBytes = (patterns.map(\.regex.maxLookbehind).max() ?? 0) * 4
    }

    var isEmpty: Bool { patterns.isEmpty }

    /// The matches in `subject` from `start` on.
    ///
    /// - Parameters:
    ///   - partial: the subject may continue (a stream): report in ``Result/holdFrom`` where a
    ///     match could still start, and stop there.
    ///   - firstOnly: stop after the first match.
    ///   - scratch: PCRE2's scratch space, reusable from scan to scan on one thread.
    func scan(
        _ subject: UnsafeBufferPointer<UInt8>,
        from start: Int,
        partial: Bool,
        firstOnly: Bool = false,
        using scratch: PCRE2MatchData = PCRE2MatchData()
    ) throws(PCRE2Error) -> Result {
        var result = Result()
        guard !patterns.isEmpty else { return result }
        // The next result of each pattern, reused until the scan passes its start.
        var upcoming = [PCRE2MatchResult?](repeating: nil, count: patterns.count)
        var position = start
        while true {
            var best: (index: Int, found: PCRE2MatchResult)?
            for index in patterns.indices {
                if Self.isStale(upcoming[index], at: position) {
                    upcoming[index] = try search(patterns[index], in: subject, from: position, partial: partial, using: scratch)
                }
                guard let found = upcoming[index] else { continue }
                if Self.precedes(found, best?.found) { best = (index, found) }
            }
            switch best?.found {
            case nil, .noMatch:
                return result
            case .partial(let from):
                result.holdFrom = from
                return result
            case .match(let range):
                result.matches.append(Match(range: range, tag: patterns[best!.index].tag))
                if firstOnly { return result }
                position = range.upperBound
            }
        }
    }

    /// The matches in a whole text (no partial matching), as byte offsets into its UTF-8.
    func matches(in text: String, firstOnly: Bool = false, using scratch: PCRE2MatchData = PCRE2MatchData()) throws(PCRE2Error) -> [Match] {
        guard !patterns.isEmpty else { return [] }
        return try withUTF8(of: text) { bytes throws(PCRE2Error) in
            try scan(bytes, from: 0, partial: false, firstOnly: firstOnly, using: scratch).matches
        }
    }

    /// One pattern's first match from `position`, skipping what cannot hold one without calling PCRE2.
    private func search(
        _ pattern: Pattern,
        in subject: UnsafeBufferPointer<UInt8>,
        from position: Int,
        partial: Bool,
        using scratch: PCRE2MatchData
    ) throws(PCRE2Error) -> PCRE2MatchResult {
        // A partial match may be shorter than any match, so only complete matching can skip short text.
        if !partial, subject.count - position < pattern.regex.minLength { return .noMatch }
        var start = position
        if let required = pattern.requiredByte {
            if let next = Self.firstIndex(of: required.byte, in: subject, from: position) {
                start = max(position, next - required.within + 1)
            } else if partial {
                // Only a match still missing the byte, starting in the last `within - 1` bytes.
                start = max(position, subject.count - required.within + 1)
            } else {
                return .noMatch
            }
            // Offsets must fall on character boundaries.
            while start < subject.count, subject[start] & 0xC0 == 0x80 { start += 1 }
        }
        return try pattern.regex.firstMatch(in: subject, from: start, partial: partial, using: scratch)
    }

    private static func firstIndex(of byte: UInt8, in subject: UnsafeBufferPointer<UInt8>, from position: Int) -> Int? {
        guard position < subject.count, let base = subject.baseAddress,
            let found = memchr(base + position, Int32(byte), subject.count - position)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func isStale(_ found: PCRE2MatchResult?, at position: Int) -> Bool {
        switch found {
        case nil: true
        case .noMatch: false
        case .partial(let from): from < position
        case .match(let range): range.lowerBound < position
        }
    }

    /// Whether `candidate` wins over `current`: it starts first; at the same start a possible
    /// longer match (partial) waits for more text, and a longer complete match beats a shorter one.
    private static func precedes(_ candidate: PCRE2MatchResult, _ current: PCRE2MatchResult?) -> Bool {
        guard let candidateStart = candidate.start else { return false }
        guard let current, let currentStart = current.start else { return true }
        if candidateStart != currentStart { return candidateStart < currentStart }
        switch (candidate, current) {
        case (.partial, .match): return true
        case (.match(let new), .match(let old)): return new.count > old.count
        default: return false
        }
    }
}

extension PCRE2MatchResult {
    fileprivate var start: Int? {
        switch self {
        case .match(let range): range.lowerBound
        case .partial(let from): from
        case .noMatch: nil
        }
    }
}

/// Calls `body` with the UTF-8 of `text`, without copying it when it is already contiguous
/// (native Swift strings are).
func withUTF8<Result, Failure: Error>(
    of text: String,
    _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
) throws(Failure) -> Result {
    var text = text
    let outcome = text.withUTF8 { bytes in Swift.Result { () throws(Failure) in try body(bytes) } }
    return try outcome.get()
}

extension PatternScanner {
    /// `bytes` as text, with each match replaced by what `replacement` returns for it (it gets the
    /// match and the matched text).
    static func substitute<Failure: Error>(
        _ matches: [Match],
        in bytes: UnsafeBufferPointer<UInt8>,
        _ replacement: (Match, String) throws(Failure) -> String
    ) throws(Failure) -> String {
        guard !matches.isEmpty else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 32)
        var position = 0
        for match in matches {
            output += bytes[position..<match.range.lowerBound]
            output += try replacement(match, String(decoding: bytes[match.range], as: UTF8.self)).utf8
            position = match.range.upperBound
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }
}
