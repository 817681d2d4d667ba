internal import Foundation
internal import Hummingbird
internal import SluiceConfig
internal import SluiceCore

/// The query parameters of an admin API request, read strictly: an unknown parameter or a
/// malformed value is a 400 naming it.
struct AdminQuery {
    let parameters: [String: String]

    init(_ request: Request, allowed: Set<String>) throws {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard allowed.contains(name) else {
                throw SluiceError.invalidField(
                    name, "is not a parameter of this request (parameters: \(allowed.sorted().joined(separator: ", ")))")
            }
            parameters[name] = String(value)
        }
        self.parameters = parameters
    }

    subscript(name: String) -> String? { parameters[name] }

    /// A time: an ISO 8601 date (`2025-11-21`, midnight UTC) or date and time (`2025-11-21T10:00:00Z`).
    func time(_ name: String) throws -> Date? {
        guard let text = parameters[name] else { return nil }
        guard let date = Self.parseTime(text) else {
            throw SluiceError.invalidField(name, "must be an ISO 8601 date or time, such as 2025-11-21 or 2025-11-21T10:00:00Z")
        }
        return date
    }

    /// A duration back from now, such as `24h` or `7d`.
    func duration(_ name: String) throws -> Duration? {
        guard let text = parameters[name] else { return nil }
        guard let duration = DurationParser.parse(text), duration > .zero else {
            throw SluiceError.invalidField(name, "must be a duration such as 24h or 7d")
        }
        return duration
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw SluiceError.invalidField(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func parseTime(_ text: String) -> Date? {
        if let time = try? Date(text, strategy: .iso8601) { return time }
        return try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day())
    }
}
