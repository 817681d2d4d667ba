import SluiceCore
import SluicePolicy

// `sluice-pii-bench`: how long the `pii` and `content` stages take on a request the size of one
// from Claude Code (about 50 KB of text) and on a streamed response. Build in release:
// `swift run -c release sluice-pii-bench`.

/// The median and fastest of `rounds` runs of `body`, in microseconds, after a warm-up.
func measure(rounds: Int, _ body: () async throws -> Void) async rethrows -> (median: Double, fastest: Double) {
    for _ in 0..<20 { try await body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<rounds {
        let elapsed = try await clock.measure { try await body() }
        samples.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

func report(_ label: String, _ timing: (median: Double, fastest: Double), _ detail: String = "") {
    let median = (timing.median * 10).rounded() / 10
    let fastest = (timing.fastest * 10).rounded() / 10
    print("\(label): median \(median) µs, fastest \(fastest) µs\(detail.isEmpty ? "" : "  \(detail)")")
}

let context = PolicyContext(keyID: "key_bench", keyName: "bench", policyName: "default", requestID: "req_bench")
let environment = PolicyEnvironment()

/// Runs `prepare` of a fresh session of `stage` on a copy of `request`.
func prepare(_ stage: any PolicyStage, _ request: ChatRequest) async throws -> [String] {
    var session = stage.makeSession(for: context)
    var copy = request
    guard case .proceed = try await session.prepare(&copy) else { throw SluiceError.internalFailure("the request was refused") }
    return session.actions
}

let every: JSONValue = [
    "detectors": [
        "private_key": "tokenize", "aws_access_key": "tokenize", "provider_secret": "tokenize", "jwt": "tokenize",
        "payment_card": "redact", "us_ssn": "redact", "iban": "redact", "email": "tokenize", "phone": "redact", "ipv4": "redact",
        "ipv6": "redact",
    ]
]
let request = ClaudeCodeRequest.request
print("request: \(ClaudeCodeRequest.inspectedBytes) bytes of text to inspect")

for (label, settings) in [("pii prepare, default detectors", JSONValue.object(JSONObject())), ("pii prepare, every detector on", every)] {
    let stage = try PIIStageFactory().makeStage(settings: JSONCursor(root: settings), environment: environment)
    var actions: [String] = []
    let timing = try await measure(rounds: 500) { actions = try await prepare(stage, request) }
    report(label, timing, actions.joined(separator: " "))
}

let content = try ContentStageFactory().makeStage(
    settings: JSONCursor(root: ["input": [["words": ["confidential-project-x", "project x"]], ["pattern": #"(?i)\binternal[- ]only\b"#]]]),
    environment: environment
)
report("content prepare, two input rules", try await measure(rounds: 500) { _ = try await prepare(content, request) })

/// A streamed response: 10 KB of text in 24-byte deltas, with placeholders to restore.
func streamResponse() async throws {
    let stage = try PIIStageFactory().makeStage(settings: JSONCursor(root: every), environment: environment)
    var prepared = stage.makeSession(for: context)
    var request = ChatRequest(model: "m", messages: [.user("mail dana.ops@example.com")])
    _ = try await prepared.prepare(&request)
    let reply = String(
        repeating: "The handler at Server.swift:112 force-unwraps the id; I mailed <EMAIL_1> about v2.3.1 and port 8080. ", count: 100)
    let bytes = Array(reply.utf8)
    let deltas = stride(from: 0, to: bytes.count, by: 24).map { String(decoding: bytes[$0..<min($0 + 24, bytes.count)], as: UTF8.self) }
    let timing = try await measure(rounds: 100) {
        var session = prepared
        _ = try session.process(.blockStart(.text))
        for delta in deltas { _ = try session.process(.blockDelta(.text(delta))) }
        _ = try session.process(.blockStop)
    }
    let perDelta = (timing.median / Double(deltas.count) * 100).rounded() / 100
    report("pii process, every detector on, \(bytes.count / 1024) KB in \(deltas.count) deltas", timing, "(\(perDelta) µs per delta)")
}

try await streamResponse()
