extension PIIDetector {
    /// The detectors Sluice ships. Where two match at the same place the longer match wins, then
    /// the one earlier in this list. Their default actions are those of `policies/default.yaml`, so a policy with an empty
    /// `pii: {}` section still keeps keys and secrets from leaving.
    ///
    /// Every pattern anchors itself with lookarounds rather than `\b`, because the same patterns
    /// scan plain text and the JSON text of streamed tool-call arguments: a value right after an
    /// escape such as `\n` still counts as starting a word, and no match starts just after a
    /// backslash, so replacing one can never split an escape sequence.
    static let builtIns: [PIIDetector] = [
        privateKey, jwt, awsAccessKey, providerSecret, paymentCard, usSSN, iban, email, phone, ipv4, ipv6,
    ]

    /// The names of the built-in detectors.
    static let builtInNames: [String] = builtIns.map(\.name)

    /// PEM private keys, BEGIN line to END line. Without an END line (a truncated paste), the key
    /// runs to the first character that cannot be part of a PEM body, or to the end of the text.
    /// The body is one character class (backslash included, for `\n` in JSON text), not a group:
    /// the JIT repeats a class without stack, so a key of any size matches.
    static let privateKey = PIIDetector(
        name: "private_key",
        matcher: .builtIn(
            pattern: #"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----"#
                // A key, not a mention of the header in code: a line break, then base64 or an encryption header.
                + #"(?=[ \t\r\n\\]+(?:[A-Za-z0-9+/=]{16}|[rn]?Proc-Type:))"#
                + #"[A-Za-z0-9+/=:,.\- \t\r\n\\]*?"#
                + #"(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|(?![A-Za-z0-9+/=:,.\- \t\r\n\\]))"#
        ),
        defaultAction: .tokenize,
        mask: PIIMask.privateKey
    )

    /// JSON Web Tokens: three base64url parts, the first (a JSON header) starting `eyJ`.
    static let jwt = PIIDetector(
        name: "jwt",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9_\-."#)
                + #"eyJ[A-Za-z0-9_\-]{5,8192}\.[A-Za-z0-9_\-]{5,8192}\.[A-Za-z0-9_\-]{0,8192}(?![A-Za-z0-9_\-])"#
        ),
        defaultAction: .tokenize,
        mask: PIIMask.jwt
    )

    /// AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 characters.
    static let awsAccessKey = PIIDetector(
        name: "aws_access_key",
        matcher: .builtIn(pattern: wordStart(notAfter: "A-Za-z0-9_") + #"(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Za-z])"#),
        defaultAction: .tokenize,
        mask: { PIIMask.keepingEnds(4, of: $0) }
    )

    /// API keys with a recognisable prefix: OpenAI, Anthropic and Sluice `sk-…` (with an upper-case
    /// letter or a digit, unlike a kebab-case name), GitHub `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_` and
    /// `github_pat_`, Slack `xox?-`, Google `AIza…`.
    static let providerSecret = PIIDetector(
        name: "provider_secret",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9_\-"#)
                + #"(?:sk-(?=[A-Za-z0-9_\-]{0,256}[A-Z0-9])[A-Za-z0-9_\-]{20,256}"#
                + #"|gh[opsur]_[A-Za-z0-9]{36,255}"#
                + #"|github_pat_[A-Za-z0-9_]{22,255}"#
                + #"|xox[abpors]-[A-Za-z0-9\-]{10,255}"#
                + #"|AIza[0-9A-Za-z_\-]{35})"#
                + #"(?![A-Za-z0-9_\-])"#
        ),
        defaultAction: .tokenize,
        mask: { PIIMask.keepingEnds(4, of: $0) }
    )

    /// Card numbers: 13 to 19 digits starting 2–6 (Mastercard, Amex, Visa, Discover, UnionPay…),
    /// unbroken or in the printed groups (4-4-4-4…, Amex 4-6-5), passing the Luhn check. Not a
    /// digit run inside a longer number or a decimal, and grouped not right after another group
    /// of four (`1234 4111 1111 1111 1111`, an IBAN's `DE89 3704 …`): that is a longer run of
    /// groups. A card after any other number (`row 7 4111 …`, `… I9j0 4111 …`) is still found.
    static let paymentCard = PIIDetector(
        name: "payment_card",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9_.\-"#)
                + #"(?:[2-6][0-9]{12,18}|"#
                + #"(?<!^[A-Za-z0-9]{3}[0-9][ \-])(?<![^A-Za-z0-9_][A-Za-z0-9]{3}[0-9][ \-])"#
                + #"(?:[2-6][0-9]{3}(?:[ \-][0-9]{4}){2}[ \-][0-9]{1,7}|3[0-9]{3}[ \-][0-9]{6}[ \-][0-9]{4,5}))"#
                + #"(?![0-9])(?C1)"#
        ),
        defaultAction: .redact,
        mask: { PIIMask.keepingLastDigits(4, of: $0) }
    )

    /// US social security numbers `AAA-GG-SSSS`, without the numbers never issued (area 000, 666,
    /// 900–999; group 00; serial 0000).
    static let usSSN = PIIDetector(
        name: "us_ssn",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9_.\-"#)
                + #"(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9A-Za-z]|-[0-9])"#
        ),
        defaultAction: .redact,
        mask: PIIMask.ssn
    )

    /// IBANs, unbroken or in groups, of their country's length and with a valid mod-97 check.
    static let iban = PIIDetector(
        name: "iban",
        matcher: .builtIn(pattern: wordStart(notAfter: "A-Za-z0-9_") + #"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])(?C2)"#),
        mask: PIIMask.iban
    )

    /// E-mail addresses with a dotted domain; not `icon@2x.png`-style asset names.
    static let email = PIIDetector(
        name: "email",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9._%+\-"#)
                + #"[A-Za-z0-9._%+\-]{1,64}@(?![0-9]x\.)(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}\.){1,8}[A-Za-z]{2,24}"#
                + #"(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"#,
            requiredByte: .init("@", within: 65)
        ),
        mask: PIIMask.email
    )

    /// Phone numbers: international `+CC …` with 8 to 15 digits; North American `(555) 123-4567`,
    /// `555-123-4567`, `555.123.4567`; European national forms with a trunk `0` (`020 7946 0958`,
    /// `01 23 45 67 89`). Separators are required in national forms, so plain long numbers,
    /// timestamps, dates and version strings do not match.
    static let phone = PIIDetector(
        name: "phone",
        matcher: .builtIn(
            pattern: wordStart(notAfter: #"A-Za-z0-9_+.\-"#)
                + #"(?:\+[1-9](?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9])){6,14}(?C3)"#
                + #"|(?:1[ .\-])?(?:\([0-9]{3}\)[ .\-]?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}"#
                + #"|0[0-9]{2,4}[ \-][0-9]{3,4}[ \-]?[0-9]{3,4}"#
                + #"|0[1-9](?:[ .][0-9]{2}){4})"#
                + #"(?![0-9A-Za-z]|[.\-][0-9])"#
        ),
        mask: { PIIMask.keepingLastDigits(4, of: $0) }
    )

    /// IPv4 addresses, each number 0–255; not part of a longer dotted run (`1.2.3.4.5`) or right
    /// after a letter (`v1.2.3.4`).
    static let ipv4 = PIIDetector(
        name: "ipv4",
        matcher: .builtIn(
            pattern: wordStart(notAfter: "A-Za-z0-9_.")
                + #"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"#
                + #"(?![0-9A-Za-z_]|\.[0-9])"#,
            requiredByte: .init(".", within: 4)
        ),
        mask: PIIMask.ipv4
    )

    /// IPv6 addresses, full or `::`-compressed, with at least one decimal digit (so `Type::add`
    /// in C++ or Rust is not one). Time stamps and MAC addresses have neither eight groups nor `::`.
    static let ipv6 = PIIDetector(
        name: "ipv6",
        matcher: .builtIn(
            // The cheap check first: a colon within the first five characters.
            pattern: #"(?=[0-9A-Fa-f]{0,4}:)"# + wordStart(notAfter: "A-Za-z0-9_:.") + #"(?=[0-9A-Fa-f:]*[0-9])"#
                + #"(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"#
                + #"|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?"#
                + #"|::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})"#
                + #"(?![0-9A-Za-z_:]|\.[0-9])"#,
            requiredByte: .init(":", within: 5)
        ),
        mask: PIIMask.ipv6
    )

    /// A lookbehind that holds where a value can start: not right after a backslash, and after
    /// none of `characters` (a character-class body) unless that character ends a JSON escape
    /// such as `\n`.
    private static func wordStart(notAfter characters: String) -> String {
        #"(?<!\\)(?:(?<![\#(characters)])|(?<=\\[nrtbf]))"#
    }
}
