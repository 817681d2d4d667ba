import SluiceCore

/// The `pii` stage's work on one request: scrubs the request on its way in, and on the way out
/// restores placeholders and scrubs what the model wrote, holding back stream text only while a
/// value or placeholder may be cut by a chunk boundary.
///
/// All state — placeholders, counts, held-back text — is this request's own.
struct PIISession: PolicySession {
    private let rules: PIIRules
    private var vault = PlaceholderVault()
    /// Values found in the request, by detector index.
    private var requestCounts: [Int]
    /// Values the model wrote that were redacted or masked in the response, by detector index.
    private var responseCounts: [Int]
    /// The open content block whose text is being scanned, if it carries text.
    private var openBlock: StreamedTextBlock?

    init(rules: PIIRules) {
        self.rules = rules
        self.requestCounts = Array(repeating: 0, count: rules.detectors.count)
        self.responseCounts = Array(repeating: 0, count: rules.detectors.count)
    }

    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict {
        guard !rules.inputScanner.isEmpty else { return .proceed }
        let scratch = PCRE2MatchData()
        do {
            try request.rewriteInspectedText { text throws(SluiceError) in try scrubbed(text, using: scratch) }
        } catch {
            return .refuse(error)
        }
        return .proceed
    }

    mutating func process(_ event: StreamEvent) throws -> PolicyOutput {
        guard !rules.outputScanner.isEmpty else { return PolicyOutput([event]) }
        switch event {
        case .messageStart:
            return PolicyOutput([event])
        case .blockStart(let start):
            openBlock = StreamedTextBlock(start)
            return PolicyOutput([event])
        case .blockDelta(.text(let text)):
            return PolicyOutput(try streamed(text, in: .text))
        case .blockDelta(.thinking(let text)):
            return PolicyOutput(try streamed(text, in: .thinking))
        case .blockDelta(.toolInput(let json)):
            return PolicyOutput(try streamed(json, in: .toolInput))
        case .blockDelta(.signature):
            // The signature closes the thinking: its text must all be out first.
            return PolicyOutput(try flushed() + [event])
        case .blockDelta(.citation), .blockDelta(.responsesOnlyEvent), .blockDelta(.responsesOnlyItem):
            return PolicyOutput([event])
        case .blockStop:
            defer { openBlock = nil }
            return PolicyOutput(try flushed() + [event])
        case .messageEnd:
            return PolicyOutput(try flushed() + [event])
        }
    }

    /// Counts by detector, never values: `pii:EMAIL=2` for the request, `pii:output:EMAIL=1` for
    /// values the model wrote that were redacted or masked.
    var actions: [String] {
        var actions: [String] = []
        for (index, count) in requestCounts.enumerated() where count > 0 {
            actions.append("pii:\(rules.detectors[index].label)=\(count)")
        }
        for (index, count) in responseCounts.enumerated() where count > 0 {
            actions.append("pii:output:\(rules.detectors[index].label)=\(count)")
        }
        return actions
    }

    // MARK: - Request

    /// `text` with every value found replaced as its detector's action says; `nil` if none was found.
    private mutating func scrubbed(_ text: String, using scratch: PCRE2MatchData) throws(SluiceError) -> String? {
        let matches: [PatternScanner.Match]
        do {
            matches = try rules.inputScanner.matches(in: text, using: scratch)
        } catch {
            throw .scanFailed(stage: "pii", error)
        }
        guard !matches.isEmpty else { return nil }
        return try withUTF8(of: text) { bytes throws(SluiceError) in
            try PatternScanner.substitute(matches, in: bytes) { match, value throws(SluiceError) in
                try requestReplacement(for: value, detector: match.tag)
            }
        }
    }

    private mutating func requestReplacement(for value: String, detector index: Int) throws(SluiceError) -> String {
        let detector = rules.detectors[index]
        requestCounts[index] += 1
        switch rules.actions[index] {
        case .redact: return "[\(detector.label)]"
        case .mask: return detector.mask(value)
        case .tokenize: return vault.placeholder(for: value, label: detector.label)
        case .off: return value
        case .block:
            throw SluiceError(
                .permission,
                "The request contains data this gateway's policy does not allow to be sent (pii detector: \(detector.name)).",
                code: "pii_blocked"
            )
        }
    }

    // MARK: - Response

    /// What to pass on for a delta of `kind`: text released from the block's hold-back buffer.
    private mutating func streamed(_ text: String, in kind: StreamedTextBlock.Kind) throws(SluiceError) -> [StreamEvent] {
        let release: PartialMatchBuffer.Release
        do {
            if openBlock?.kind == kind {
                release = try openBlock!.buffer.append(text, scanner: rules.outputScanner)
            } else {
                // A delta that does not belong to the open block: checked on its own, held back by nothing.
                release = PartialMatchBuffer.Release(bytes: Array(text.utf8), matches: try rules.outputScanner.matches(in: text))
            }
        } catch {
            throw .scanFailed(stage: "pii", error, inResponse: true)
        }
        return kind.deltas(rendered(release, kind: kind))
    }

    /// Releases everything the open block holds back, as a last delta of that block.
    private mutating func flushed() throws(SluiceError) -> [StreamEvent] {
        guard let kind = openBlock?.kind else { return [] }
        let release: PartialMatchBuffer.Release
        do {
            release = try openBlock!.buffer.finish(scanner: rules.outputScanner)
        } catch {
            throw .scanFailed(stage: "pii", error, inResponse: true)
        }
        return kind.deltas(rendered(release, kind: kind))
    }

    private mutating func rendered(_ release: PartialMatchBuffer.Release, kind: StreamedTextBlock.Kind) -> String {
        let json = kind == .toolInput
        return release.bytes.withUnsafeBufferPointer { bytes in
            var matches = release.matches
            if json {
                // Never replace part of an escape sequence: the arguments must stay valid JSON.
                var floor = 0
                for index in matches.indices {
                    let range = JSONStringFragment.widened(matches[index].range, in: bytes)
                    matches[index].range = max(range.lowerBound, floor)..<max(range.upperBound, floor)
                    floor = matches[index].range.upperBound
                }
            }
            return PatternScanner.substitute(matches, in: bytes) { match, value in
                responseReplacement(for: value, tag: match.tag, json: json)
            }
        }
    }

    /// A placeholder becomes its original (JSON-escaped inside tool arguments); a value the model
    /// wrote itself is redacted or masked (`block` redacts: the response is already under way).
    private mutating func responseReplacement(for value: String, tag: Int, json: Bool) -> String {
        if tag == rules.placeholderTag {
            guard let original = vault.original(for: value) else { return value }
            return json ? JSONStringFragment.escape(original) : original
        }
        let detector = rules.detectors[tag]
        responseCounts[tag] += 1
        guard rules.actions[tag] == .mask else { return "[\(detector.label)]" }
        guard json else { return detector.mask(value) }
        return JSONStringFragment.escape(detector.mask(JSONStringFragment.unescape(value) ?? value))
    }
}
