import Foundation
import SluicePolicy
import Testing

@Suite struct BudgetPeriodTests {
    private func date(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

    @Test func aDayRunsFromUTCMidnightToTheNext() throws {
        let window = BudgetPeriod.day.window(containing: try date("2025-11-21T23:59:59Z"))
        #expect(window.label == "day:2025-11-21")
        #expect(window.start == (try date("2025-11-21T00:00:00Z")))
        #expect(window.end == (try date("2025-11-22T00:00:00Z")))
        #expect(BudgetPeriod.day.window(containing: try date("2025-11-22T00:00:00Z")).label == "day:2025-11-22")
    }

    @Test func aWeekStartsOnMonday() throws {
        // 2025-11-17 is a Monday; the 23rd a Sunday.
        for day in ["2025-11-17T00:00:00Z", "2025-11-19T12:00:00Z", "2025-11-23T23:59:59Z"] {
            let window = BudgetPeriod.week.window(containing: try date(day))
            #expect(window.label == "week:2025-11-17", "\(day)")
            #expect(window.end == (try date("2025-11-24T00:00:00Z")))
        }
        // Across a year's end.
        let window = BudgetPeriod.week.window(containing: try date("2026-01-01T08:00:00Z"))
        #expect(window.label == "week:2025-12-29")
        #expect(window.end == (try date("2026-01-05T00:00:00Z")))
    }

    @Test func aMonthEndsAtTheFirstOfTheNext() throws {
        let window = BudgetPeriod.month.window(containing: try date("2024-02-29T10:00:00Z"))
        #expect(window.label == "month:2024-02")
        #expect(window.start == (try date("2024-02-01T00:00:00Z")))
        #expect(window.end == (try date("2024-03-01T00:00:00Z")))
        #expect(BudgetPeriod.month.window(containing: try date("2025-12-31T23:59:59Z")).end == (try date("2026-01-01T00:00:00Z")))
    }

    @Test func theClockFileMovesTimeAndABadOneIsIgnored() throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "sluice-clock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let clock = WallClock(environment: ["SLUICE_CLOCK_FILE": file.path])
        try "2030-01-31T23:59:00Z\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(clock.now() == (try date("2030-01-31T23:59:00Z")))
        try "2030-02-01T00:00:30Z".write(to: file, atomically: true, encoding: .utf8)
        #expect(clock.now() == (try date("2030-02-01T00:00:30Z")))
        try "not a time".write(to: file, atomically: true, encoding: .utf8)
        #expect(abs(clock.now().timeIntervalSinceNow) < 60)
        #expect(abs(WallClock(environment: [:]).now().timeIntervalSinceNow) < 60)
    }
}
