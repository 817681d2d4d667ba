/// What an OpenAI client asked of its stream beyond the chunks themselves.
///
/// Kept apart from ``ChatRequest`` because only the OpenAI front acts on it: the upstream is always
/// asked for usage (Sluice meters every request), but the client gets the final usage chunk only
/// when it asked, since some clients choke on a chunk with an empty `choices` array.
public struct OpenAIStreamOptions: Sendable, Hashable {
    /// `stream_options.include_usage`: end the stream with a chunk carrying `usage` and no choices.
    public var includeUsage: Bool

    public init(includeUsage: Bool = false) {
        self.includeUsage = includeUsage
    }
}
