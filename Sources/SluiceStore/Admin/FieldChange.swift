/// What an update does to an optional field it mentions: give it a value, or clear it. An update
/// leaves the fields it does not mention (`nil`) as they were.
public enum FieldChange<Value: Sendable & Hashable>: Sendable, Hashable {
    case set(Value)
    case clear

    /// The field's value after the change.
    public var value: Value? {
        switch self {
        case .set(let value): value
        case .clear: nil
        }
    }
}
