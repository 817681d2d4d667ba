/// One kind of personal or secret data the `pii` stage looks for: a built-in one (`email`,
/// `payment_card`, …, see `PIIDetector+BuiltIns.swift`) or a policy's custom pattern.
struct PIIDetector: Sendable {
    /// How the detector finds values.
    enum Matcher: Sendable {
        /// A pattern that becomes one alternative of the stage's combined pattern, so every
        /// built-in detector is found in a single pass; it may call ``PIIChecksum`` validators.
        case builtIn(pattern: String)
        /// A policy's own pattern, matched on its own so its groups and options stay its own.
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
