public import SluiceCore

/// A text run through a policy's request stages as a user's message, without a backend: what
/// would go upstream (scrubbed by `pii`), what the stages found, and whether one (`content`,
/// `budget`, …) would refuse it. `sluice policies test` and the admin API both use it.
public struct PolicyTrial: Sendable {
    public let policyName: String
    /// Why a stage refused the text; `nil` when it would go upstream.
    public let refusal: SluiceError?
    /// The text as it would go upstream (each text block on a line of its own); empty when refused.
    public let upstream: String
    /// What the stages did, such as `pii:EMAIL=1` or `content:refused`.
    public let found: [String]

    /// Runs `text` through `policy`, whose stages should share no state with a serving gateway
    /// (compile it with an environment of its own) so a trial counts against no rate limit.
    public static func run(_ policy: CompiledPolicy, text: String) async throws -> PolicyTrial {
        var request = ChatRequest(model: "policy-test", messages: [.user(text)])
        let run = PolicyRun(
            stages: policy.stages,
            context: PolicyContext(keyID: "policy-test", keyName: "policy-test", policyName: policy.name, requestID: "policy-test"))
        let verdict = try await run.prepare(&request)
        let refusal: SluiceError? = if case .refuse(let error) = verdict { error } else { nil }
        await run.complete(clientSawEnd: false, failure: refusal)
        // The rag stage's context block comes before the text.
        let texts = request.messages.first?.content.compactMap { block in if case .text(let text) = block { text.text } else { nil } }
        return PolicyTrial(
            policyName: policy.name, refusal: refusal, upstream: refusal == nil ? texts?.joined(separator: "\n") ?? "" : "",
            found: run.actions)
    }

    public var json: JSONValue {
        [
            "policy": .string(policyName), "refused": .bool(refusal != nil), "reason": refusal.map { .string($0.message) } ?? .null,
            "upstream": refusal == nil ? .string(upstream) : .null, "found": .array(found.map(JSONValue.string)),
        ]
    }
}
