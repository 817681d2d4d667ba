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

    public init(role: Role, content: [ContentBlock]) {
        self.role = role
        self.content = content
    }

    public static func user(_ text: String) -> Message { Message(role: .user, content: [.text(TextContent(text))]) }
    public static func assistant(_ text: String) -> Message { Message(role: .assistant, content: [.text(TextContent(text))]) }

    /// The text of every text block, joined.
    public var text: String {
        content.compactMap { if case .text(let block) = $0 { block.text } else { nil } }.joined()
    }
}
