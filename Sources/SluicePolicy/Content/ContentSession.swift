import SluiceCore

/// The `content` stage's work on one request: checks every text of the request against the input
/// rules, and the streamed response against the output rules, holding back only the tail of a
/// block in which a match could still start.
struct ContentSession: PolicySession {
    private let input: ContentRuleSet
    private let output: ContentRuleSet
    private var openBlock: StreamedTextBlock?
    /// Whether the client has a block open (also one without text to scan, such as redacted thinking).
    private var blockOpen = false
    /// Set once a rule matched: `content:input` or `content:output`.
    private var outcome: String?
    /// The response was stopped: what is held back is dropped, and nothing more is let through.
    private var stopped = false

    init(input: ContentRuleSet, output: ContentRuleSet) {
        self.input = input
        self.output = output
    }

    var actions: [String] {
        outcome.map { [$0] } ?? []
    }

    mutating func prepare(_ request: inout ChatRequest) async throws -> PolicyVerdict {
        guard !input.isEmpty else { return .proceed }
        var matched: ContentRule?
        let scratch = PCRE2MatchData()
        do {
            try request.forEachInspectedText { text throws(PCRE2Error) in
                guard matched == nil, let match = try input.scanner.matches(in: text, firstOnly: true, using: scratch).first else { return }
                matched = input.rules[match.tag]
            }
        } catch {
            return .refuse(.scanFailed(stage: "content", error))
        }
        guard let matched else { return .proceed }
        outcome = "content:input"
        return .refuse(SluiceError(.permission, matched.message, code: "content_policy_violation"))
    }

    mutating func process(_ event: StreamEvent) throws -> PolicyOutput {
        guard !output.isEmpty else { return PolicyOutput([event]) }
        if stopped {
            // Only the chain's own closing events come after a stop; deltas would be the dropped text.
            if case .blockDelta = event { return PolicyOutput([]) }
            return PolicyOutput([event])
        }
        switch event {
        case .messageStart:
            return PolicyOutput([event])
        case .blockStart(let start):
            openBlock = StreamedTextBlock(start)
            blockOpen = true
            return PolicyOutput([event])
        case .blockDelta(.text(let text)):
            return try streamed(text, in: .text)
        case .blockDelta(.thinking(let text)):
            return try streamed(text, in: .thinking)
        case .blockDelta(.toolInput(let json)):
            return try streamed(json, in: .toolInput)
        case .blockDelta(.signature):
            return try flushed(then: event)
        case .blockDelta(.citation), .blockDelta(.responsesOnlyEvent), .blockDelta(.responsesOnlyItem):
            return PolicyOutput([event])
        case .blockStop:
            defer {
                openBlock = nil
                blockOpen = false
            }
            return try flushed(then: event)
        case .messageEnd:
            return try flushed(then: event)
        }
    }

    private mutating func streamed(_ text: String, in kind: StreamedTextBlock.Kind) throws(SluiceError) -> PolicyOutput {
        let release: PartialMatchBuffer.Release
        do {
            if openBlock?.kind == kind {
                release = try openBlock!.buffer.append(text, scanner: output.scanner)
            } else {
                // A delta that does not belong to the open block: checked on its own.
                release = PartialMatchBuffer.Release(
                    bytes: Array(text.utf8), matches: try output.scanner.matches(in: text, firstOnly: true))
            }
        } catch {
            throw .scanFailed(stage: "content", error, inResponse: true)
        }
        return passing(release, kind: kind)
    }

    /// Releases what the open block holds back, then `event` — unless a rule matches in it.
    private mutating func flushed(then event: StreamEvent) throws(SluiceError) -> PolicyOutput {
        guard let kind = openBlock?.kind else { return PolicyOutput([event]) }
        let release: PartialMatchBuffer.Release
        do {
            release = try openBlock!.buffer.finish(scanner: output.scanner)
        } catch {
            throw .scanFailed(stage: "content", error, inResponse: true)
        }
        var passed = passing(release, kind: kind)
        if passed.stop == nil { passed.events.append(event) }
        return passed
    }

    /// The released text up to the first match; at a match, a stop: the open block closes, the
    /// rule's message follows as a text block of its own, and the chain ends the message with
    /// stop reason `refusal`.
    private mutating func passing(_ release: PartialMatchBuffer.Release, kind: StreamedTextBlock.Kind) -> PolicyOutput {
        guard let match = release.matches.first else {
            return PolicyOutput(kind.deltas(String(decoding: release.bytes, as: UTF8.self)))
        }
        stopped = true
        outcome = "content:output"
        openBlock = nil
        var events = kind.deltas(String(decoding: release.bytes[..<match.range.lowerBound], as: UTF8.self))
        if blockOpen { events.append(.blockStop) }
        blockOpen = false
        events += [.blockStart(.text), .blockDelta(.text(output.rules[match.tag].message)), .blockStop]
        return PolicyOutput(events, stop: .refusal)
    }
}
