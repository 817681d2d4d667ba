/// Several compiled patterns searched together, left to right, as one.
///
/// At each point the match that starts first wins — on a tie the longer one, then the earlier
/// pattern — and the search resumes after it, so matches never overlap. A pattern's matches are
/// tagged with a fixed number, or with the number of the `(*MARK:n)` they passed, which lets one
/// combined pattern (`(*MARK:0)…|(*MARK:1)…`) stand for many.
struct PatternScanner: Sendable {
    struct Pattern: Sendable {
        let regex: PCRE2Regex
        /// The tag of every match; `nil` to tag each match with its `(*MARK:n)`.
        let tag: Int?

        init(_ regex: PCRE2Regex, tag: Int?) {
            self.regex = regex
            self.tag = tag
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
    func scan(
        _ subject: UnsafeBufferPointer<UInt8>, from start: Int, partial: Bool, firstOnly: Bool = false
    ) throws(PCRE2Error) -> Result {
        var result = Result()
        guard !patterns.isEmpty else { return result }
        let scratch = patterns.map { $0.regex.makeMatchData() }
        // The next result of each pattern, reused until the scan passes its start.
        var upcoming = [PCRE2MatchResult?](repeating: nil, count: patterns.count)
        var position = start
        while true {
            var best: (index: Int, found: PCRE2MatchResult)?
            for index in patterns.indices {
                if Self.isStale(upcoming[index], at: position) {
                    upcoming[index] = try patterns[index].regex.firstMatch(
                        in: subject, from: position, partial: partial, using: scratch[index])
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
            case .match(let range, let mark):
                let tag = patterns[best!.index].tag ?? mark ?? 0
                result.matches.append(Match(range: range, tag: tag))
                if firstOnly { return result }
                position = range.upperBound
            }
        }
    }

    /// The matches in a whole text (no partial matching), as byte offsets into its UTF-8.
    func matches(in text: String, firstOnly: Bool = false) throws(PCRE2Error) -> [Match] {
        guard !patterns.isEmpty else { return [] }
        return try withUTF8(of: text) { bytes throws(PCRE2Error) in
            try scan(bytes, from: 0, partial: false, firstOnly: firstOnly).matches
        }
    }

    private static func isStale(_ found: PCRE2MatchResult?, at position: Int) -> Bool {
        switch found {
        case nil: true
        case .noMatch: false
        case .partial(let from): from < position
        case .match(let range, _): range.lowerBound < position
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
        case (.match(let new, _), .match(let old, _)): return new.count > old.count
        default: return false
        }
    }
}

extension PCRE2MatchResult {
    fileprivate var start: Int? {
        switch self {
        case .match(let range, _): range.lowerBound
        case .partial(let from): from
        case .noMatch: nil
        }
    }
}

/// Calls `body` with the UTF-8 of `text`, without copying it when it is already contiguous
/// (native Swift strings are).
func withUTF8<Result, Failure: Error>(
    of text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
) throws(Failure) -> Result {
    var text = text
    let outcome = text.withUTF8 { bytes in Swift.Result { () throws(Failure) in try body(bytes) } }
    return try outcome.get()
}

extension PatternScanner {
    /// `bytes` as text, with each match replaced by what `replacement` returns for it (it gets the
    /// match and the matched text).
    static func substitute<Failure: Error>(
        _ matches: [Match], in bytes: UnsafeBufferPointer<UInt8>, _ replacement: (Match, String) throws(Failure) -> String
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
