import SluiceCore

/// The `content` stage: refuses requests, and stops responses, that contain what the policy's
/// rules forbid. Built by ``ContentStageFactory``.
struct ContentStage: PolicyStage {
    let name = "content"
    let input: ContentRuleSet
    let output: ContentRuleSet

    func makeSession(for context: PolicyContext) -> any PolicySession {
        ContentSession(input: input, output: output)
    }
}
