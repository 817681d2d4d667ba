/// A policy's `pii` section, compiled once and shared by all its requests: each detector with its
/// action, and the scanners that find them.
///
/// All built-in detectors in use are alternatives of one JIT-compiled pattern, tagged with
/// `(*MARK:n)` (n is the detector's index), so a text is scanned once however many are on;
/// custom patterns run beside it.
struct PIIRules: Sendable {
    let detectors: [PIIDetector]
    /// The action of each detector, by index.
    let actions: [PIIAction]
    /// Finds the values of every detector that is not off: used on requests.
    let inputScanner: PatternScanner
    /// Finds the placeholders of tokenizing detectors (to restore) and the values of redacting,
    /// masking and blocking ones (which the model must not pass on either): used on responses.
    let outputScanner: PatternScanner
    /// The tag of a placeholder found by ``outputScanner``.
    let placeholderTag: Int

    init(detectors: [PIIDetector], actions: [PIIAction], limits: PCRE2Regex.Limits = PCRE2Regex.Limits()) throws(PCRE2Error) {
        precondition(detectors.count == actions.count)
        self.detectors = detectors
        self.actions = actions
        self.placeholderTag = detectors.count
        let tokenized = detectors.indices.filter { actions[$0] == .tokenize }.map { detectors[$0].label }
        inputScanner = try Self.scanner(detectors, actions, limits: limits, placeholderTag: nil, labels: []) { $0 != .off }
        outputScanner = try Self.scanner(
            detectors, actions, limits: limits, placeholderTag: detectors.count, labels: tokenized, including: \.appliesToOutput)
    }

    private static func scanner(
        _ detectors: [PIIDetector], _ actions: [PIIAction], limits: PCRE2Regex.Limits, placeholderTag: Int?, labels: [String],
        including isIncluded: (PIIAction) -> Bool
    ) throws(PCRE2Error) -> PatternScanner {
        var alternatives: [String] = []
        var patterns: [PatternScanner.Pattern] = []
        for (index, detector) in detectors.enumerated() where isIncluded(actions[index]) {
            switch detector.matcher {
            case .builtIn(let pattern): alternatives.append("(*MARK:\(index))(?:\(pattern))")
            case .custom(let regex): patterns.append(PatternScanner.Pattern(regex, tag: index))
            }
        }
        if let placeholderTag, !labels.isEmpty {
            // Labels are upper-case letters, digits and `_`: nothing to escape.
            alternatives.append("(*MARK:\(placeholderTag))<(?:\(labels.joined(separator: "|")))_[1-9][0-9]{0,6}>")
        }
        if !alternatives.isEmpty {
            let combined = try PCRE2Regex(alternatives.joined(separator: "|"), limits: limits, validators: PIIChecksum.validators)
            patterns.insert(PatternScanner.Pattern(combined, tag: nil), at: 0)
        }
        return PatternScanner(patterns)
    }
}
