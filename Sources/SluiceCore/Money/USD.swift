/// An amount of US dollars, counted in whole nanodollars so that adding up many small costs is
/// exact: a budget of $0.30 is reached by three requests of $0.10, not missed by a rounding error.
///
/// One token at $0.075 per million tokens is 75 nanodollars; an `Int64` holds $9.2 billion.
public struct USD: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanodollars: Int64

    public init(nanodollars: Int64) {
        self.nanodollars = nanodollars
    }

    /// `dollars` rounded to the nearest nanodollar (within what an `Int64` holds; NaN is zero).
    public init(dollars: Double) {
        let value = (dollars * 1e9).rounded()
        nanodollars = value.isNaN ? 0 : Int64(max(min(value, 9.2e18), -9.2e18))
    }

    /// A decimal amount as people write it (`10`, `0.25`, `$12.50`), read exactly; `nil` for
    /// anything else, a negative amount or more than nine decimals.
    public init?(_ text: String) {
        var digits = Substring(text)
        if digits.hasPrefix("$") { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2,
            whole.allSatisfy(\.isASCIIDigit), whole.count <= 9
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 9, fraction.allSatisfy(\.isASCIIDigit), !(whole.isEmpty && fraction.isEmpty) else { return nil }
        let padded = fraction + String(repeating: "0", count: 9 - fraction.count)
        nanodollars = (Int64(whole) ?? 0) * 1_000_000_000 + (Int64(padded) ?? 0)
    }

    public static let zero = USD(nanodollars: 0)

    public var dollars: Double { Double(nanodollars) / 1e9 }

    /// `$12.50`, `$0.000105`: at least cents, at most six decimals (rounded), no trailing zeros past the cents.
    public var description: String {
        let micro = (Double(nanodollars) / 1000).rounded()
        let negative = micro < 0
        let magnitude = Int64(abs(micro))
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-$" : "$") + String(magnitude / 1_000_000) + "." + fraction
    }

    public static func < (lhs: USD, rhs: USD) -> Bool { lhs.nanodollars < rhs.nanodollars }
    public static func + (lhs: USD, rhs: USD) -> USD { USD(nanodollars: lhs.nanodollars + rhs.nanodollars) }
    public static func - (lhs: USD, rhs: USD) -> USD { USD(nanodollars: lhs.nanodollars - rhs.nanodollars) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
