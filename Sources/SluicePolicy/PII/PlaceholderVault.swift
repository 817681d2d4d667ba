/// The placeholders of one request, both ways: `<EMAIL_1>` for the first email it contains, and
/// the email for `<EMAIL_1>`.
///
/// Numbers follow the order in which values first appear in the request. Every request of a
/// conversation carries the whole history, in the same order, and assistant turns come back with
/// the originals restored, so a value keeps its placeholder from turn to turn and the text sent
/// upstream stays a stable prefix for the prompt caches behind the gateway.
struct PlaceholderVault: Sendable {
    private struct Key: Hashable {
        let label: String
        let value: String
    }

    private var placeholders: [Key: String] = [:]
    private var originals: [String: String] = [:]
    private var counters: [String: Int] = [:]

    init() {}

    /// The placeholder for `value` found by the detector labelled `label`, made on first sight.
    mutating func placeholder(for value: String, label: String) -> String {
        let key = Key(label: label, value: value)
        if let placeholder = placeholders[key] { return placeholder }
        let number = counters[label, default: 0] + 1
        counters[label] = number
        let placeholder = "<\(label)_\(number)>"
        placeholders[key] = placeholder
        originals[placeholder] = value
        return placeholder
    }

    /// The value a placeholder stands for; `nil` for one this request never made.
    func original(for placeholder: String) -> String? {
        originals[placeholder]
    }

    var isEmpty: Bool { originals.isEmpty }
}
