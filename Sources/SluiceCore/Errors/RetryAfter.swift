/// How long an upstream asks its client to wait before retrying, from its response headers:
/// `retry-after-ms` (OpenAI's, finer), else `Retry-After` as delay-seconds or as an HTTP date.
public enum RetryAfter {
    /// - Parameter now: seconds since 1970, for HTTP dates.
    /// - Returns: seconds to wait, or `nil` when no header says, or none is readable.
    public static func delay(retryAfter: String?, retryAfterMilliseconds: String?, now: Double) -> Double? {
        if let milliseconds = retryAfterMilliseconds.flatMap(nonNegativeNumber) { return milliseconds / 1000 }
        guard let header = retryAfter else { return nil }
        if let seconds = nonNegativeNumber(header) { return seconds }
        return httpDate(header).map { max(0, $0 - now) }
    }

    private static func nonNegativeNumber(_ text: String) -> Double? {
        guard let value = Double(text.trimmingWhitespace()), value >= 0, value.isFinite else { return nil }
        return value
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`, the only form RFC 9110 lets servers send)
    /// as seconds since 1970.
    static func httpDate(_ text: String) -> Double? {
        let fields = text.trimmingWhitespace().split(separator: " ")
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), let month = months.firstIndex(of: String(fields[2])), let year = Int(fields[3])
        else { return nil }
        let time = fields[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (1...31).contains(day), (0..<24).contains(time[0]), (0..<60).contains(time[1]),
            (0...60).contains(time[2])
        else { return nil }
        let days = daysSince1970(year: year, month: month + 1, day: day)
        return Double(days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2])
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = drop(while: \.isWhitespace)
        return start.dropLast(start.reversed().prefix(while: \.isWhitespace).count)
    }
}
