import SluiceCore
import Testing

@testable import SluicePolicy

/// Timings, printed and not asserted: build in release to read them —
/// `swift build -c release --product sluicePackageTests -Xswiftc -enable-testing`, then
/// `swift test -c release --skip-build --filter PIIBenchmark`.
@Suite(.serialized) struct PIIBenchmarkTests {
    private static let everyDetector = piiSettings([
        "private_key": "tokenize", "aws_access_key": "tokenize", "provider_secret": "tokenize", "jwt": "tokenize",
        "payment_card": "redact", "us_ssn": "redact", "iban": "redact", "email": "tokenize", "phone": "redact", "ipv4": "redact", "ipv6": "redact",
    ])

    /// The median, mean and fastest of `rounds` runs of `body`, in microseconds.
    private func measure(rounds: Int, _ body: () async throws -> Void) async rethrows -> (median: Double, mean: Double, fastest: Double) {
        for _ in 0..<10 { try await body() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<rounds {
            let elapsed = try await clock.measure { try await body() }
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        samples.sort()
        return (samples[samples.count / 2], samples.reduce(0, +) / Double(samples.count), samples[0])
    }

    private func format(_ timing: (median: Double, mean: Double, fastest: Double)) -> String {
        func microseconds(_ value: Double) -> String { "\(Int(value.rounded())) µs" }
        return "median \(microseconds(timing.median)), mean \(microseconds(timing.mean)), fastest \(microseconds(timing.fastest))"
    }

    @Test(arguments: [("default policy", JSONValue.object(JSONObject())), ("every detector on", everyDetector)])
    func scrubbingAClaudeCodeRequest(configuration: String, settings: JSONValue) async throws {
        let rules = try piiRules(settings)
        let request = PIIBenchmarkFixture.request
        var actions: [String] = []
        let timing = try await measure(rounds: 200) {
            var session = PIISession(rules: rules)
            var copy = request
            guard case .proceed = try await session.prepare(&copy) else { throw SluiceError.internalFailure("refused") }
            actions = session.actions
        }
        print("pii prepare, \(configuration), \(PIIBenchmarkFixture.inspectedBytes / 1024) KB inspected: \(format(timing)); \(actions)")
    }

    @Test func checkingAClaudeCodeRequestAgainstContentRules() async throws {
        let stage = try #require(
            try ContentStageFactory().makeStage(
                settings: JSONCursor(root: ["input": [["words": ["confidential-project-x", "project x"]], ["pattern": #"(?i)\binternal[- ]only\b"#]]]),
                environment: PolicyEnvironment()) as? ContentStage)
        let request = PIIBenchmarkFixture.request
        let timing = try await measure(rounds: 200) {
            var session = ContentSession(input: stage.input, output: stage.output)
            var copy = request
            guard case .proceed = try await session.prepare(&copy) else { throw SluiceError.internalFailure("refused") }
        }
        print("content prepare, two rules, \(PIIBenchmarkFixture.inspectedBytes / 1024) KB inspected: \(format(timing))")
    }

    @Test func streamingAResponseInSmallDeltas() async throws {
        let rules = try piiRules(Self.everyDetector)
        var request = piiRequest("mail dana.ops@example.com")
        var prepared = PIISession(rules: rules)
        _ = try await prepared.prepare(&request)
        let text = String(repeating: "The handler at Server.swift:112 force-unwraps the id; I mailed <EMAIL_1> about v2.3.1 and port 8080. ", count: 100)
        let chunks = split(text, at: Array(stride(from: 24, to: text.utf8.count, by: 24)))
        let timing = try await measure(rounds: 50) {
            var session = prepared
            for chunk in chunks { _ = try session.process(.blockDelta(.text(chunk))) }
            _ = try session.process(.blockStop)
        }
        print("pii process, every detector on, \(text.utf8.count / 1024) KB in \(chunks.count) deltas: \(format(timing))")
    }
}
