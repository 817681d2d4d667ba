internal import Foundation

/// The UTC day and month a moment falls in, named as the quota table stores them.
struct QuotaPeriods: Sendable, Hashable, Codable {
    /// `2025-11-21`
    let day: String
    /// `2025-11`
    let month: String
    /// The start of the next UTC day, when the daily quota resets.
    let dayEnds: Date
    /// The start of the next UTC month, when the monthly quota resets.
    let monthEnds: Date

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    init(containing date: Date) {
        let calendar = Self.utc
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year!, month = parts.month!, dayOfMonth = parts.day!
        self.month = "\(Self.padded(year, 4))-\(Self.padded(month, 2))"
        self.day = "\(self.month)-\(Self.padded(dayOfMonth, 2))"
        let dayStart = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))!
        let monthStart = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        dayEnds = calendar.date(byAdding: .day, value: 1, to: dayStart)!
        monthEnds = calendar.date(byAdding: .month, value: 1, to: monthStart)!
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
