import SluiceCore

/// The rules for one direction (`content.input` or `content.output`), searched together.
struct ContentRuleSet: Sendable {
    let rules: [ContentRule]
    /// Tags each match with the index of its rule.
    let scanner: PatternScanner

    init(_ rules: [ContentRule]) {
        self.rules = rules
        self.scanner = PatternScanner(rules.enumerated().map { PatternScanner.Pattern($1.regex, tag: $0) })
    }

    /// Reads the list at `cursor` (absent: no rules); a rule without `message` gets `defaultMessage`.
    init(settings cursor: JSONCursor?, defaultMessage: String, limits: PCRE2Regex.Limits = PCRE2Regex.Limits()) throws(SluiceError) {
        var rules: [ContentRule] = []
        for entry in try cursor?.array() ?? [] {
            rules.append(try ContentRule(settings: entry, defaultMessage: defaultMessage, limits: limits))
        }
        self.init(rules)
    }

    var isEmpty: Bool { rules.isEmpty }
}
