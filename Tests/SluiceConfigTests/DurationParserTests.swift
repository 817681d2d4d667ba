import SluiceConfig
import Testing

@Suite struct DurationParserTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("30s", .seconds(30)),
        ("10m", .seconds(600)),
        ("24h", .seconds(86_400)),
        ("30d", .seconds(2_592_000)),
        ("2w", .seconds(1_209_600)),
        ("1.5h", .seconds(5_400)),
        ("0.5s", .milliseconds(500)),
        ("0s", .zero),
        ("  45s  ", .seconds(45)),
    ])
    func parsesNumberAndUnit(_ text: String, _ expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["", " ", "abc", "10", "-5s", "10y", "s", "ms", "1.2.3s", "30 s", "30S", "1e3s", "1h30m", "∞s"])
    func rejectsAnythingElse(_ text: String) {
        #expect(DurationParser.parse(text) == nil)
    }
}

extension DurationParserTests {
    @Test func aDurationTooLargeToRepresentIsRejectedNotACrash() {
        #expect(DurationParser.parse("99999999999999w") == nil)
    }
}
