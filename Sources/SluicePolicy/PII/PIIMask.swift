/// What the `mask` action shows of a value: enough to tell values apart, not enough to use one.
///
/// | detector | masked |
/// |---|---|
/// | email | `j***@example.com` (first character, then the domain) |
/// | phone, payment_card | every digit but the last four is `*`, separators kept: `**** **** **** 1111` |
/// | us_ssn | `***-**-6789` |
/// | iban | country code and last four kept: `DE** **** **** **** **30 00` |
/// | ipv4 | first octet: `192.*.*.*` |
/// | ipv6 | first group, other digits `*`: `2001:***::*` |
/// | aws_access_key, provider_secret | first and last four: `AKIA****MPLE` |
/// | private_key | the BEGIN and END lines around `****` |
/// | jwt | the header (no secret in it): `eyJhbGciOiJIUzI1NiJ9.****` |
/// | custom | every letter and digit but the last four is `*` |
enum PIIMask {
    static func email(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@"), let first = value.first else { return "****" }
        return "\(first)***\(value[at...])"
    }

    /// Each digit but the last `count` becomes `*`; everything else stays.
    static func keepingLastDigits(_ count: Int, of value: String) -> String {
        var remaining = value.count(where: \.isASCIIDigit) - count
        return String(
            value.map { character in
                guard character.isASCIIDigit, remaining > 0 else { return character }
                remaining -= 1
                return "*"
            }
        )
    }

    /// Each letter or digit but the last `count` becomes `*`; punctuation stays.
    static func keepingLast(_ count: Int, of value: String) -> String {
        var remaining = value.count(where: \.isASCIIAlphanumeric) - count
        return String(
            value.map { character in
                guard character.isASCIIAlphanumeric, remaining > 0 else { return character }
                remaining -= 1
                return "*"
            }
        )
    }

    static func ssn(_ value: String) -> String {
        "***-**-\(value.suffix(4))"
    }

    static func iban(_ value: String) -> String {
        let country = value.prefix(2)
        return country + keepingLast(4, of: String(value.dropFirst(2)))
    }

    static func ipv4(_ value: String) -> String {
        "\(value.prefix { $0 != "." }).*.*.*"
    }

    static func ipv6(_ value: String) -> String {
        let firstGroup = value.prefix { $0 != ":" }
        return firstGroup + String(value.dropFirst(firstGroup.count).map { $0.isHexDigit ? "*" : $0 })
    }

    /// The first and last `count` characters around `****`; all `****` when that would show half or more.
    static func keepingEnds(_ count: Int, of value: String) -> String {
        guard value.count > count * 4 else { return "****" }
        return "\(value.prefix(count))****\(value.suffix(count))"
    }

    static func privateKey(_ value: String) -> String {
        // `-----BEGIN … PRIVATE KEY-----` is the text up to the second run of five dashes.
        let dashes = value.ranges(of: "-----")
        guard dashes.count >= 2 else { return "****" }
        let header = value[..<dashes[1].upperBound]
        guard let footer = value.ranges(of: "-----END").last, footer.lowerBound >= dashes[1].upperBound else { return "\(header)****" }
        return "\(header)****\(value[footer.lowerBound...])"
    }

    static func jwt(_ value: String) -> String {
        "\(value.prefix { $0 != "." }).****"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
