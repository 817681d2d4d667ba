public import Foundation

/// How often a budget starts afresh: each UTC day, each ISO week (Monday 00:00 UTC), or each
/// UTC month.
public enum BudgetPeriod: String, Sendable, Hashable, CaseIterable, Codable {
    case day
    case week
    case month

    /// One period: its name as the spending table stores it, and when it starts and ends.
    public struct Window: Sendable, Hashable {
        /// `day:2025-11-21`, `week:2025-11-17` (its Monday), `month:2025-11`.
        public let label: String
        public let start: Date
        /// The start of the next period, when the budget resets.
        public let end: Date
    }

    /// The period `date` falls in.
    public func window(containing date: Date) -> Window {
        let calendar = Self.utc
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year!, month = parts.month!, day = parts.day!
        let dayStart = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        switch self {
        case .day:
            return Window(label: "day:" + Self.name(dayStart), start: dayStart, end: calendar.date(byAdding: .day, value: 1, to: dayStart)!)
        case .week:
            // Weekday 1 is Sunday in the Gregorian calendar; ISO weeks start on Monday (2).
            let weekday = calendar.component(.weekday, from: dayStart)
            let start = calendar.date(byAdding: .day, value: -((weekday + 5) % 7), to: dayStart)!
            return Window(label: "week:" + Self.name(start), start: start, end: calendar.date(byAdding: .day, value: 7, to: start)!)
        case .month:
            let start = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            return Window(
                label: "month:" + String(Self.name(start).prefix(7)), start: start,
                end: calendar.date(byAdding: .month, value: 1, to: start)!)
        }
    }

    /// `daily`, `weekly`, `monthly`, for messages.
    public var adjective: String {
        switch self {
        case .day: "daily"
        case .week: "weekly"
        case .month: "monthly"
        }
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2025-11-21`.
    private static func name(_ day: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day], from: day)
        func padded(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.year!, 4))-\(padded(parts.month!, 2))-\(padded(parts.day!, 2))"
    }
}
