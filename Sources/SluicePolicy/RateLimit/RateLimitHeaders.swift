internal import Foundation

/// The rate-limit headers clients read, in Anthropic's and OpenAI's spellings.
///
/// Anthropic: `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`, the reset an
/// RFC 3339 time at which the limit is whole again. OpenAI: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`,
/// the reset a duration such as `1s`, `6m0s` or `20ms`.
enum RateLimitHeaders {
    static func make(requests: RateLimitWindow?, tokens: RateLimitWindow?, now: Date) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for (kind, window) in [("requests", requests), ("tokens", tokens)] {
            guard let window else { continue }
            headers.append(("anthropic-ratelimit-\(kind)-limit", String(window.limit)))
            headers.append(("anthropic-ratelimit-\(kind)-remaining", String(window.remaining)))
            headers.append(("anthropic-ratelimit-\(kind)-reset", rfc3339(now.addingTimeInterval(window.secondsUntilReset))))
            headers.append(("x-ratelimit-limit-\(kind)", String(window.limit)))
            headers.append(("x-ratelimit-remaining-\(kind)", String(window.remaining)))
            headers.append(("x-ratelimit-reset-\(kind)", duration(seconds: window.secondsUntilReset)))
        }
        return headers
    }

    /// `2025-11-21T14:03:07Z`, rounded up to the whole second so a client waiting until then is not early.
    static func rfc3339(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)).formatted(.iso8601)
    }

    /// A duration as Go prints one, which is what OpenAI sends: `0s`, `20ms`, `1.5s`, `6m0s`, `1h2m3s`.
    /// Rounded up to the millisecond.
    static func duration(seconds: Double) -> String {
        let total = Int((max(0, seconds) * 1000).rounded(.up))
        if total == 0 { return "0s" }
        if total < 1000 { return "\(total)ms" }
        let hours = total / 3_600_000
        let minutes = total / 60_000 % 60
        let milliseconds = total % 60_000
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        text += String(milliseconds / 1000)
        if milliseconds % 1000 != 0 {
            var fraction = String(milliseconds % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "s"
    }
}
