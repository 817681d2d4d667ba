extension ChatRequest {
    /// What a retrieval stage searches for: the text the user typed in the last user turn.
    ///
    /// Tool results are not the user's words, and neither are Claude Code's `<system-reminder>`
    /// blocks (its CLAUDE.md, the date, …), which would pull the same passages into every turn.
    /// `nil` when the turn has no such text, e.g. one that only returns tool results.
    public var retrievalQuery: String? {
        guard let index = lastUserTurnIndex else { return nil }
        let texts = messages[index].content.compactMap { block -> String? in
            guard case .text(let content) = block else { return nil }
            let text = Self.removingSystemReminders(content.text).trimmingWhitespace()
            return text.isEmpty ? nil : text
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    /// Puts `context` in the last user turn as a text block of its own, just before the user's
    /// text: after tool results (which must open an Anthropic turn) and system reminders.
    ///
    /// The system prompt, the tools and earlier turns stay as they were, byte for byte, so an
    /// upstream's prefix cache still covers them.
    ///
    /// - Returns: `false` when there is no user text to put it before (nothing is changed).
    @discardableResult
    public mutating func insertRetrievedContext(_ context: String) -> Bool {
        guard let turn = lastUserTurnIndex else { return false }
        let position = messages[turn].content.firstIndex { block in
            guard case .text(let content) = block else { return false }
            return !Self.removingSystemReminders(content.text).trimmingWhitespace().isEmpty
        }
        guard let position else { return false }
        messages[turn].content.insert(.text(TextContent(context)), at: position)
        return true
    }

    private var lastUserTurnIndex: Int? {
        messages.lastIndex { $0.role == .user }
    }

    /// `text` without its `<system-reminder>…</system-reminder>` spans (an unclosed one runs to the end).
    static func removingSystemReminders(_ text: String) -> String {
        var rest = Substring(text)
        var kept = ""
        while let open = rest.firstRange(of: "<system-reminder>") {
            kept += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "</system-reminder>") else { return kept }
            rest = rest[close.upperBound...]
        }
        return kept + rest
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
