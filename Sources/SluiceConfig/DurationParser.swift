/// Reads durations written as a number and a unit: `250ms`, `30s`, `10m`, `24h`, `30d`, `2w`.
public enum DurationParser {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let amount = Double(digits), amount >= 0, amount.isFinite else { return nil }
        let seconds: Double
        switch trimmed.dropFirst(digits.count) {
        case "ms": seconds = amount / 1000
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86400
        case "w": seconds = amount * 604_800
        default: return nil
        }
        guard let milliseconds = Int64(exactly: (seconds * 1000).rounded()) else { return nil }
        return .milliseconds(milliseconds)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
