public import SluiceCore

/// Builds the `content` stage from a policy's `content` section.
///
/// ```yaml
/// content:
///   input:                   # checked in every text of the request (as the pii stage scrubs)
///     - words: [confidential-project-x]
///       message: "Project X may not be discussed with the model."
///   output:                  # checked in the response as it streams
///     - pattern: '(?i)\bBEGIN INTERNAL\b'
/// ```
///
/// A rule has a PCRE2 `pattern` or a list of `words` (whole words, any case) and a `message`
/// (optional). A request that matches an input rule is refused with the message (403
/// `permission_error`). When the response matches an output rule, the text from the match on never
/// reaches the client: the message follows what was sent as a text block of its own, the stream
/// ends with stop reason `refusal` (OpenAI: `content_filter`), and the upstream generation is
/// cancelled.
public struct ContentStageFactory: PolicyStageFactory {
    public let name = "content"

    public init() {}

    public func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage {
        guard settings.value != .null else { return ContentStage(input: ContentRuleSet([]), output: ContentRuleSet([])) }
        try settings.rejectUnknownFields(allowing: ["input", "output"])
        return ContentStage(
            input: try ContentRuleSet(settings: try settings.optional("input"), defaultMessage: ContentRule.defaultInputMessage),
            output: try ContentRuleSet(settings: try settings.optional("output"), defaultMessage: ContentRule.defaultOutputMessage)
        )
    }
}
