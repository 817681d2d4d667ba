/// The checks built-in patterns run on a candidate at a PCRE2 callout, so that a failed check
/// lets the pattern backtrack (to a shorter run, or another detector) instead of matching.
enum PIIChecksum {
    /// `(?C1)`: 13 to 19 digits (spaces and dashes ignored) that pass the Luhn check.
    static let luhnCallout: UInt32 = 1
    /// `(?C2)`: an IBAN of its country's length whose mod-97 check is 1.
    static let ibanCallout: UInt32 = 2
    /// `(?C3)`: an international phone number with 8 to 15 digits (E.164).
    static let phoneDigitsCallout: UInt32 = 3

    static let validators: [UInt32: PCRE2Regex.Validator] = [
        luhnCallout: isPaymentCard,
        ibanCallout: isIBAN,
        phoneDigitsCallout: isInternationalPhone,
    ]

    static func isPaymentCard(_ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        var sum = 0
        var count = 0
        // From the right: every second digit doubled.
        for byte in candidate.reversed() {
            guard let digit = digitValue(byte) else { continue }
            let doubled = count % 2 == 1 ? digit * 2 : digit
            sum += doubled > 9 ? doubled - 9 : doubled
            count += 1
        }
        return (13...19).contains(count) && sum % 10 == 0
    }

    static func isIBAN(_ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        let characters = candidate.filter { $0 != UInt8(ascii: " ") }
        guard characters.count >= 15,
            let country = String(validating: characters.prefix(2), as: UTF8.self),
            ibanLengths[country] == characters.count
        else { return false }
        // Move the country and check digits to the end; letters count as 10…35; the remainder mod 97 must be 1.
        var remainder = 0
        for byte in characters.dropFirst(4) + characters.prefix(4) {
            if let digit = digitValue(byte) {
                remainder = (remainder * 10 + digit) % 97
            } else if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }

    static func isInternationalPhone(_ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        (8...15).contains(candidate.count(where: { digitValue($0) != nil }))
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// IBAN length by country (ISO 13616 registry); a code not listed is not an IBAN.
    private static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
        "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
        "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
        "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
        "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
        "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
        "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]
}
