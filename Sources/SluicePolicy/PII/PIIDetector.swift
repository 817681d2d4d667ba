/// One kind of personal or secret data the `pii` stage looks for: a built-in one (`email`,
/// `payment_card`, …, see `PIIDetector+BuiltIns.swift`) or a policy's custom pattern.
struct PIIDetector: Sendable {
    /// How the detector finds values.
    enum Matcher: Sendable {
        /// A pattern that may call ``PIIChecksum`` validators at callouts, and a byte all its
        /// matches contain near their start, if there is one (see ``PatternScanner/RequiredByte``).
        case builtIn(pattern: String, requiredByte: PatternScanner.RequiredByte? = nil)
        /// A policy's own pattern, compiled when the policy is read.
        case custom(PCRE2Regex)
    }

    /// The name in policy files: `email`, `payment_card`, or a custom detector's name.
    let name: String
    /// The name in capitals, as in `[EMAIL]`, `<EMAIL_1>` and the action `pii:EMAIL=2`.
    let label: String
    let matcher: Matcher
    /// The action when a policy does not list this detector.
    let defaultAction: PIIAction
    /// What `mask` shows of a value.
    let mask: @Sendable (String) -> String

    init(name: String, matcher: Matcher, defaultAction: PIIAction = .off, mask: @escaping @Sendable (String) -> String) {
        self.name = name
        self.label = name.uppercased()
        self.matcher = matcher
        self.defaultAction = defaultAction
        self.mask = mask
    }

    /// A policy's own detector; `mask` keeps the last four characters.
    static func custom(name: String, regex: PCRE2Regex) -> PIIDetector {
        PIIDetector(name: name, matcher: .custom(regex), mask: { PIIMask.keepingLast(4, of: $0) })
    }
}
