/// Reads the open-model sampling fields both fronts accept (`min_p`, `repetition_penalty`), with
/// the ranges vLLM and llama-server enforce, so a bad value is a 400 naming the field rather than
/// an upstream's error or a silently odd answer.
public enum SamplingExtensions {
    public static func minP(_ field: JSONCursor?) throws(SluiceError) -> Double? {
        guard let field else { return nil }
        let value = try field.double()
        guard (0...1).contains(value) else { throw .invalidField(field.path, "must be between 0 and 1") }
        return value
    }

    public static func repetitionPenalty(_ field: JSONCursor?) throws(SluiceError) -> Double? {
        guard let field else { return nil }
        let value = try field.double()
        guard value > 0, value.isFinite else { throw .invalidField(field.path, "must be greater than 0") }
        return value
    }
}
