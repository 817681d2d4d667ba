public import Foundation

/// The time budgets, their periods and the audit log go by: the system's, or, when
/// `SLUICE_CLOCK_FILE` names a file, the ISO 8601 time written in it (`2025-11-30T23:59:00Z`).
///
/// The file is read at every call, so a test moves the clock of a running server by rewriting
/// it, and sees a budget reset at a period's end without waiting for one. A file that cannot be
/// read or parsed gives the system's time.
public struct WallClock: Sendable {
    private let file: String?

    /// The system's clock.
    public init() {
        file = nil
    }

    /// The clock `SLUICE_CLOCK_FILE` in `environment` names, else the system's.
    public init(environment: [String: String]) {
        file = environment["SLUICE_CLOCK_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func now() -> Date {
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return Date() }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return (try? Date(trimmed, strategy: .iso8601)) ?? Date()
    }
}
