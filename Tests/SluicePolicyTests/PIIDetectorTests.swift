import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PIIDetectorTests {
    /// Every built-in detector on, so each case also shows no other detector claims the text.
    private static let rules = Result {
        try piiRules(piiSettings(Dictionary(uniqueKeysWithValues: PIIDetector.builtInNames.map { ($0, "redact") })))
    }

    /// What the detectors find in `text`: detector name and matched text, in order.
    private func findings(_ text: String) throws -> [String] {
        let rules = try Self.rules.get()
        let bytes = Array(text.utf8)
        return try rules.inputScanner.matches(in: text).map { match in
            "\(rules.detectors[match.tag].name)=\(String(decoding: bytes[match.range], as: UTF8.self))"
        }
    }

    static let positives: [(detector: String, value: String)] = [
        ("email", "john.doe+news@example.co.uk"),
        ("email", "a_b-c%d@mail-server.example.org"),
        ("phone", "+1 415 555 2671"),
        ("phone", "+14155552671"),
        ("phone", "+44 20 7946 0958"),
        ("phone", "+44 (0)20 7946 0958"),
        ("phone", "+49 30 12345678"),
        ("phone", "(555) 123-4567"),
        ("phone", "555-123-4567"),
        ("phone", "555.123.4567"),
        ("phone", "1-800-555-0199"),
        ("phone", "020 7946 0958"),
        ("phone", "07700 900123"),
        ("phone", "01 23 45 67 89"),
        ("payment_card", "4111 1111 1111 1111"),
        ("payment_card", "4111-1111-1111-1111"),
        ("payment_card", "4111111111111111"),
        ("payment_card", "5555555555554444"),
        ("payment_card", "378282246310005"),
        ("payment_card", "3782 822463 10005"),
        ("payment_card", "6011000990139424"),
        ("us_ssn", "123-45-6789"),
        ("us_ssn", "078-05-1120"),
        ("iban", "DE89 3704 0044 0532 0130 00"),
        ("iban", "DE89370400440532013000"),
        ("iban", "GB82WEST12345698765432"),
        ("iban", "FR1420041010050500013M02606"),
        ("ipv4", "192.168.1.20"),
        ("ipv4", "10.0.0.1"),
        ("ipv4", "255.255.255.255"),
        ("ipv6", "2001:db8::1"),
        ("ipv6", "fe80::1ff:fe23:4567:890a"),
        ("ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
        ("ipv6", "::1"),
        ("aws_access_key", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_access_key", "ASIAY34FZKBOKMUTVV7A"),
        ("provider_secret", "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGhIjKlMnOp"),
        ("provider_secret", "sk-proj-Q2x9Lm4Pz8Rt1Vb6Nc3Kd7Hf0Jg5Ws2Ya4Ue"),
        ("provider_secret", "sk-sluice-3Fh8Kq2Lm9Np4Rs7Tv1Wx5Yz0Ab6Cd3Ef8Gh2Jk"),
        ("provider_secret", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("provider_secret", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("provider_secret", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("provider_secret", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF"),
        ("provider_secret", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("provider_secret", "AIzaSyA-1234567890abcdefghijklmnopqrstu"),
        (
            "private_key",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yJgY0tWbHZr1rE+OQ0NlbGH+FZ2Wv1Qk=\n-----END RSA PRIVATE KEY-----"
        ),
        (
            "private_key",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----"
        ),
        ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ]

    @Test(arguments: positives)
    func findsValueInProse(detector: String, value: String) throws {
        #expect(try findings("Here it is: \(value). Thanks!") == ["\(detector)=\(value)"])
        #expect(try findings(value) == ["\(detector)=\(value)"])
    }

    @Test(arguments: positives)
    func findsValueInsideJSONText(detector: String, value: String) throws {
        // Streamed tool-call arguments are JSON text: quotes and escapes around the value.
        let escaped = JSONStringFragment.escape(value)
        #expect(try findings(#"{"command":"echo \n\#(escaped)\t"}"#) == ["\(detector)=\(escaped)"])
    }

    static let negatives: [(detector: String, text: String)] = [
        ("email", "icon@2x.png"),
        ("email", "root@localhost"),
        ("email", "npm install lodash@4.17.21"),
        ("email", "import '@types/node'"),
        ("phone", "1712345678"),
        ("phone", "a timestamp 2024-01-15 10:30:45"),
        ("phone", "version 12.345.6789.1"),
        ("phone", "order 12345678901234"),
        ("phone", "pi is 3.14159265358979"),
        ("phone", "+1 5"),
        ("payment_card", "4111 1111 1111 1112"),
        ("payment_card", "4111111111111112"),
        ("payment_card", "1712345678901234567"),
        ("payment_card", "x = 0.4111111111111111"),
        ("payment_card", "id-4111111111111111"),
        ("us_ssn", "000-12-3456"),
        ("us_ssn", "666-12-3456"),
        ("us_ssn", "900-12-3456"),
        ("us_ssn", "123-00-4567"),
        ("us_ssn", "123-45-0000"),
        ("us_ssn", "2024-01-15"),
        ("us_ssn", "1123-45-6789"),
        ("iban", "DE89 3704 0044 0532 0130 01"),
        ("iban", "DE89370400440532013001"),
        ("iban", "XX89370400440532013000"),
        ("iban", "DE8937040044053201300"),
        ("ipv4", "256.1.1.1"),
        ("ipv4", "1.2.3"),
        ("ipv4", "v1.2.3.4"),
        ("ipv4", "1.2.3.4.5"),
        ("ipv6", "std::vector<int>"),
        ("ipv6", "Foo::add(bad::feed)"),
        ("ipv6", "12:34:56"),
        ("ipv6", "00:1a:2b:3c:4d:5e"),
        ("aws_access_key", "AKIAIOSFODNN7EXAMPL"),
        ("aws_access_key", "XAKIAIOSFODNN7EXAMPLE"),
        ("aws_access_key", "AKIAIOSFODNN7EXAMPLEX"),
        ("provider_secret", "pip install sk-learn-model-selection-tools"),
        ("provider_secret", "sk-Short123"),
        ("provider_secret", "ghp_tooShort123"),
        ("provider_secret", "task-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
        ("private_key", #"if line == "-----BEGIN RSA PRIVATE KEY-----" {"#),
        ("private_key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----"),
        ("jwt", "eyJhbGciOiJIUzI1NiJ9"),
        ("jwt", "notAeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh"),
    ]

    @Test(arguments: negatives)
    func ignoresLookalike(detector: String, text: String) throws {
        #expect(try findings(text).filter { $0.hasPrefix("\(detector)=") } == [])
    }

    /// A card among other numbers, in tables, JSON and code: found whole, whatever precedes it.
    static let cardsInContext: [String] = [
        "tool says sk-proj-Q2x9Lm4Pz8Rt1Vb6Nc3Kd7Hf0Jg5I9j0 4111 1111 1111 1111",
        "order 12345 4111 1111 1111 1111 paid",
        "qty 2 4111-1111-1111-1111",
        "7 4111111111111111",
        "| 3 | 4111 1111 1111 1111 | 12/27 |",
        "1  4111 1111 1111 1111  visa",
        "id,card\n42,4111 1111 1111 1111\n",
        #"{"id": 7, "card": "4111 1111 1111 1111"}"#,
        "[1, 4111111111111111]",
        #"pay(amount: 30, card: "4111 1111 1111 1111")"#,
        "card_number = 4111111111111111  # test 99",
    ]

    @Test(arguments: cardsInContext)
    func findsACardWhateverNumberComesBefore(text: String) throws {
        let found = try findings(text)
        let cards = found.filter { $0.hasPrefix("payment_card=") }
        #expect(cards.count == 1, "\(found)")
        #expect(cards.first.map { $0.filter(\.isNumber) } == "4111111111111111")
    }

    /// Runs of digit groups hold Luhn-valid stretches that are no card.
    static let groupRuns: [String] = [
        "1234 4111 1111 1111 1111",
        "ref 0000-4111-1111-1111-1111",
        "DE89 4111 1111 1111 1111 00",
    ]

    @Test(arguments: groupRuns)
    func findsNoCardInsideARunOfGroups(text: String) throws {
        #expect(try findings(text).filter { $0.hasPrefix("payment_card=") } == [])
    }

    @Test func findsEveryValueInAMixedText() throws {
        let text = "Mail john@example.com, call +44 20 7946 0958, card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE."
        #expect(
            try findings(text) == [
                "email=john@example.com", "phone=+44 20 7946 0958", "payment_card=4111 1111 1111 1111",
                "aws_access_key=AKIAIOSFODNN7EXAMPLE",
            ]
        )
    }

    @Test func privateKeyWithoutEndLineRunsToTheEndOfTheBody() throws {
        let text = "key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nabc\n```\nmore"
        #expect(
            try findings(text) == ["private_key=-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nabc\n"])
    }

    @Test(arguments: [3_200, 64_000])
    func aPrivateKeyOfAnySizeIsFoundWhole(bodyLength: Int) throws {
        let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var body = ""
        for index in 0..<bodyLength {
            body.append(alphabet[(index * 7 + index / 64) % 64])
            if index % 64 == 63 { body.append("\n") }
        }
        let key = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n-----END RSA PRIVATE KEY-----"
        #expect(try findings("key: \(key) done") == ["private_key=\(key)"])
        // As JSON text, the line breaks are `\n` escapes.
        let escaped = JSONStringFragment.escape(key)
        #expect(try findings(#"{"content":"\#(escaped)"}"#) == ["private_key=\(escaped)"])
    }

    @Test func luhnAndIBANChecks() {
        func check(_ text: String, _ validator: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer(validator)
        }
        #expect(check("4111 1111 1111 1111", PIIChecksum.isPaymentCard))
        #expect(!check("4111 1111 1111 1121", PIIChecksum.isPaymentCard))
        #expect(!check("4242 4242 42", PIIChecksum.isPaymentCard))
        #expect(check("GB82 WEST 1234 5698 7654 32", PIIChecksum.isIBAN))
        #expect(!check("GB82 WEST 1234 5698 7654 33", PIIChecksum.isIBAN))
        #expect(!check("GB82 WEST 1234 5698 7654 3", PIIChecksum.isIBAN))
    }
}
