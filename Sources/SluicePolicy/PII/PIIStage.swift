import SluiceCore

/// The `pii` stage: keeps personal data and secrets from reaching the model, and placeholders
/// from reaching the client. Built by ``PIIStageFactory``.
struct PIIStage: PolicyStage {
    let name = "pii"
    let rules: PIIRules

    func makeSession(for context: PolicyContext) -> any PolicySession {
        PIISession(rules: rules)
    }
}
