import SluiceCore

/// What the `pii` stage does with a value a detector finds.
enum PIIAction: String, Sendable, Hashable, CaseIterable {
    /// Replaced by the detector's label in brackets: `[EMAIL]`.
    case redact
    /// Replaced by a partial view that keeps a few characters: `j***@example.com`, `**** 1111`.
    case mask
    /// The request is refused, naming the detector, never the value. In responses: as `redact`.
    case block
    /// Replaced upstream by a placeholder such as `<EMAIL_1>`, which becomes the original again in
    /// the response the client sees (tool-call arguments included).
    case tokenize
    case off

    /// Reads an action from a policy file. YAML 1.1 reads a bare `off` as `false`, so that counts as `off`.
    init(_ cursor: JSONCursor) throws(SluiceError) {
        if cursor.value == .bool(false) {
            self = .off
            return
        }
        guard case .string(let text) = cursor.value, let action = PIIAction(rawValue: text) else {
            throw .invalidRequest("\(cursor.path): expected one of \(Self.choices)")
        }
        self = action
    }

    /// The actions as a policy file spells them, for errors.
    static let choices = allCases.map(\.rawValue).joined(separator: ", ")

    /// Whether the stage looks for this detector's values in responses (placeholders aside).
    var appliesToOutput: Bool {
        switch self {
        case .redact, .mask, .block: true
        case .tokenize, .off: false
        }
    }
}
