/// One turn of the conversation.
public struct Message: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case user
        case assistant
        /// A system message in the middle of the conversation (Claude Code sends these after user
        /// turns). Kept in place: hoisting it to the head would defeat prefix caching.
        case system
    }

    public var role: Role
    public var content: [ContentBlock]
    /// Fields of an Anthropic message Sluice does not interpret (Claude Code's `output_config`),
    /// forwarded untouched to Anthropic upstreams only.
    public var anthropicExtraFields: JSONObject

    public init(role: Role, content: [ContentBlock], anthropicExtraFields: JSONObject = JSONObject()) {
        self.role = role
        self.content = content
        self.anthropicExtraFields = anthropicExtraFields
    }

    public static func user(_ text: String) -> Message { Message(role: .user, content: [.text(TextContent(text))]) }
    public static func assistant(_ text: String) -> Message { Message(role: .assistant, content: [.text(TextContent(text))]) }

    /// The text of every text block, joined.
    public var text: String {
        content.compactMap { if case .text(let block) = $0 { block.text } else { nil } }.joined()
    }
}
