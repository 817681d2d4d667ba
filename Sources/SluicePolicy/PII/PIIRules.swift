/// A policy's `pii` section, compiled once and shared by all its requests: each detector with its
/// action, and the scanners that find them (one JIT-compiled pattern per detector, see
/// ``PatternScanner`` for why not one alternation).
struct PIIRules: Sendable {
    let detectors: [PIIDetector]
    /// The action of each detector, by index.
    let actions: [PIIAction]
    /// Finds the values of every detector that is not off: used on requests. Tags are detector indices.
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

        var patterns: [PatternScanner.Pattern?] = []
        for detector in detectors {
            switch detector.matcher {
            case .builtIn(let pattern, let requiredByte):
                let regex = try PCRE2Regex(pattern, limits: limits, validators: PIIChecksum.validators)
                patterns.append(PatternScanner.Pattern(regex, tag: patterns.count, requiredByte: requiredByte))
            case .custom(let regex):
                patterns.append(PatternScanner.Pattern(regex, tag: patterns.count))
            }
        }
        inputScanner = PatternScanner(detectors.indices.compactMap { actions[$0] != .off ? patterns[$0] : nil })
        var output = detectors.indices.compactMap { actions[$0].appliesToOutput ? patterns[$0] : nil }
        let tokenized = detectors.indices.filter { actions[$0] == .tokenize }.map { detectors[$0].label }
        if !tokenized.isEmpty {
            // Labels are upper-case letters, digits and `_`: nothing to escape.
            let placeholder = try PCRE2Regex("<(?:\(tokenized.joined(separator: "|")))_[1-9][0-9]{0,6}>", limits: limits)
            output.append(PatternScanner.Pattern(placeholder, tag: placeholderTag))
        }
        outputScanner = PatternScanner(output)
    }
}
