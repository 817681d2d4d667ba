/// The streamed text of one content block, held back just long enough that no match is ever cut
/// in two by a chunk boundary.
///
/// Each `append` scans what is held plus the new text with hard partial matching and releases
/// everything before the earliest point where a match could still start; the rest waits for the
/// next chunk. `finish` (at the end of the block) scans the remainder as complete and releases it
/// all. So an entity split as `jo` · `hn@exa` · `mple.com` is seen whole, and a long text with no
/// match in sight is released as it arrives, minus at most the tail a match could begin in.
///
/// A value-type state machine: no I/O, one per open block, per request.
struct PartialMatchBuffer: Sendable {
    /// Text released by ``append(_:scanner:)`` or ``finish(scanner:)``.
    struct Release: Sendable {
        /// The released text, UTF-8.
        var bytes: [UInt8] = []
        /// The complete matches in it, as offsets into `bytes`.
        var matches: [PatternScanner.Match] = []
    }

    /// Received text not yet released: a match may start in it.
    private var held: [UInt8] = []
    /// The released text just before `held`, as far back as lookbehinds reach.
    private var context: [UInt8] = []

    init() {}

    /// How much text is held back now, in bytes.
    var heldByteCount: Int { held.count }

    /// Adds the next chunk and returns what can be released.
    mutating func append(_ text: String, scanner: PatternScanner) throws(PCRE2Error) -> Release {
        var subject = context
        subject.reserveCapacity(context.count + held.count + text.utf8.count)
        subject += held
        subject += text.utf8
        return try release(subject, from: context.count, scanner: scanner, final: false)
    }

    /// The block ended: releases everything held, matched as complete text.
    mutating func finish(scanner: PatternScanner) throws(PCRE2Error) -> Release {
        defer { context = [] }
        guard !held.isEmpty else { return Release() }
        return try release(context + held, from: context.count, scanner: scanner, final: true)
    }

    private mutating func release(_ subject: [UInt8], from base: Int, scanner: PatternScanner, final: Bool) throws(PCRE2Error) -> Release {
        let result = try subject.withUnsafeBufferPointer { buffer throws(PCRE2Error) in
            try scanner.scan(buffer, from: base, partial: !final)
        }
        let end = result.holdFrom ?? subject.count
        var release = Release(bytes: Array(subject[base..<end]))
        release.matches = result.matches.map { match in
            PatternScanner.Match(range: (match.range.lowerBound - base)..<(match.range.upperBound - base), tag: match.tag)
        }
        held = Array(subject[end...])
        // Keep enough of the text before `held` for lookbehinds, starting on a character boundary
        // so the next subject is valid UTF-8.
        var contextStart = max(0, end - scanner.lookbehindBytes)
        while contextStart < end, subject[contextStart] & 0xC0 == 0x80 { contextStart += 1 }
        context = Array(subject[contextStart..<end])
        return release
    }
}
