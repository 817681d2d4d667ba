/// GBNF for the decimal integers in a range, digit by digit: how `minimum` and `maximum` of an
/// integer schema become a grammar (as llama.cpp's converter does it), without leading zeros.
///
/// ```swift
/// IntegerRangeGrammar.expression(lower: -5, upper: 12)   // ("-" [1-5] | ([0-9] | "1" [0-2]))
/// ```
///
/// The expression is a sequence or a parenthesised alternation, so it can be concatenated as it is.
/// Its size grows with the square of the number of digits, never with the width of the range.
enum IntegerRangeGrammar {
    /// The most digits an integer may have, as in llama.cpp's `integral-part`: unbounded digits
    /// would let a model run on forever.
    static let maximumDigits = 16
    /// Bounds beyond this are refused by the caller, so every bound has fewer than 16 digits.
    static let largestBound = 999_999_999_999_999

    /// The integers in `lower...upper`; `nil` leaves a side open. `lower <= upper` when both are set.
    static func expression(lower: Int?, upper: Int?) -> String {
        var choices: [String] = []
        if (lower ?? -1) < 0 {
            // Negatives as "-" and their magnitude: from -upper (or 1) up to -lower (or open).
            let smallest = upper.map { $0 < 0 ? -$0 : 1 } ?? 1
            choices.append(#""-" "# + nonNegative(from: smallest, to: lower.map { -$0 }))
        }
        if (upper ?? 0) >= 0 {
            choices.append(nonNegative(from: max(lower ?? 0, 0), to: upper))
        }
        return alternatives(choices)
    }

    /// The integers from `low` to `high` (open when `nil`), length by length.
    private static func nonNegative(from low: Int, to high: Int?) -> String {
        var choices: [String] = []
        let shortest = String(low).count
        let longest = high.map { String($0).count } ?? maximumDigits
        for length in shortest...longest {
            let first = length == 1 ? 0 : power(length - 1)
            let start = max(low, first)
            let end = min(high ?? .max, power(length) - 1)
            guard start <= end else { continue }
            if high == nil, start == first, length > 1 {
                // Every longer number too: one rule for the rest of the lengths.
                choices.append("[1-9] [0-9]{\(length - 1),\(maximumDigits - 1)}")
                break
            }
            choices.append(sameLength(Array(String(start)), Array(String(end))))
        }
        return alternatives(choices)
    }

    /// The numbers from `low` to `high`, both of the same number of digits.
    private static func sameLength(_ low: [Character], _ high: [Character]) -> String {
        if low.allSatisfy({ $0 == "0" }), high.allSatisfy({ $0 == "9" }) { return anyDigits(low.count) }
        if low.count == 1 { return digitRange(low[0], high[0]) }
        let rest = low.count - 1
        if low[0] == high[0] { return #""\#(low[0])" "# + sameLength(Array(low[1...]), Array(high[1...])) }
        if low[1...].allSatisfy({ $0 == "0" }), high[1...].allSatisfy({ $0 == "9" }) {
            return "\(digitRange(low[0], high[0])) \(anyDigits(rest))"
        }
        var choices = [#""\#(low[0])" "# + sameLength(Array(low[1...]), Array(repeating: "9", count: rest))]
        if let next = low[0].wholeNumberValue, let last = high[0].wholeNumberValue, next + 1 <= last - 1 {
            choices.append("\(digitRange(Character(String(next + 1)), Character(String(last - 1)))) \(anyDigits(rest))")
        }
        choices.append(#""\#(high[0])" "# + sameLength(Array(repeating: "0", count: rest), Array(high[1...])))
        return alternatives(choices)
    }

    private static func digitRange(_ low: Character, _ high: Character) -> String {
        low == high ? #""\#(low)""# : "[\(low)-\(high)]"
    }

    private static func anyDigits(_ count: Int) -> String {
        count == 1 ? "[0-9]" : "[0-9]{\(count)}"
    }

    private static func alternatives(_ choices: [String]) -> String {
        choices.count == 1 ? choices[0] : "(\(choices.joined(separator: " | ")))"
    }

    private static func power(_ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}
