/// Range-checked numbers, so an out-of-range sampling setting is a 400 naming the field rather than
/// an upstream's error, or a value the engine silently clamps.
extension JSONCursor {
    /// A number in `range`: `try body.required("temperature").double(in: 0...2)`.
    public func double(in range: ClosedRange<Double>) throws(SluiceError) -> Double {
        let number = try double()
        guard range.contains(number) else {
            throw .invalidField(path, "must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound))")
        }
        return number
    }

    /// An integer no smaller than `minimum`: `try body.required("max_tokens").int(atLeast: 1)`.
    public func int(atLeast minimum: Int) throws(SluiceError) -> Int {
        let number = try int()
        guard number >= minimum else { throw .invalidField(path, "must be at least \(minimum)") }
        return number
    }

    private static func format(_ bound: Double) -> String {
        bound.rounded() == bound ? String(Int(bound)) : String(bound)
    }
}
