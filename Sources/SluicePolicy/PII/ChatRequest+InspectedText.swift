import SluiceCore

extension ChatRequest {
    /// Rewrites every piece of text the `pii` and `content` stages inspect, in the order the model
    /// reads it: the system blocks, then for each message (user, assistant, and system messages
    /// kept in place) its text blocks, thinking, tool-call arguments — every string value in the
    /// JSON, however deep; keys are left alone — and tool results.
    ///
    /// `rewrite` returns the new text, or `nil` to keep it; only changed parts are written back.
    /// Images, redacted thinking, tool definitions and the identifiers and encoded data of
    /// Anthropic- and Responses-only blocks (documents, search results, built-in tool calls, …) are
    /// not text a user typed and are skipped.
    ///
    /// Rewriting thinking invalidates its signature for an Anthropic upstream unless the text ends
    /// up as the model wrote it, which is what tokenizing gives back.
    mutating func rewriteInspectedText<Failure: Error>(_ rewrite: (String) throws(Failure) -> String?) throws(Failure) {
        for index in system.indices {
            if let text = try rewrite(system[index].text) { system[index].text = text }
        }
        for message in messages.indices {
            for block in messages[message].content.indices {
                if let rewritten = try Self.rewritten(messages[message].content[block], rewrite) {
                    messages[message].content[block] = rewritten
                }
            }
        }
    }

    /// Calls `inspect` with every piece of text ``rewriteInspectedText(_:)`` would rewrite, in the same order.
    func forEachInspectedText<Failure: Error>(_ inspect: (String) throws(Failure) -> Void) throws(Failure) {
        var request = self
        try request.rewriteInspectedText { text throws(Failure) in
            try inspect(text)
            return nil
        }
    }

    private static func rewritten<Failure: Error>(
        _ block: ContentBlock,
        _ rewrite: (String) throws(Failure) -> String?
    ) throws(Failure) -> ContentBlock? {
        switch block {
        case .text(var content):
            guard let text = try rewrite(content.text) else { return nil }
            content.text = text
            return .text(content)
        case .thinking(var thinking):
            guard let text = try rewrite(thinking.text) else { return nil }
            thinking.text = text
            return .thinking(thinking)
        case .toolUse(var use):
            guard let input = try rewritten(use.input, rewrite) else { return nil }
            use.input = input
            return .toolUse(use)
        case .toolResult(var result):
            var changed = false
            for index in result.content.indices {
                if let rewritten = try rewritten(result.content[index], rewrite) {
                    result.content[index] = rewritten
                    changed = true
                }
            }
            return changed ? .toolResult(result) : nil
        case .anthropicOnly(var block):
            guard case .object(let object)? = try rewritten(.object(block.anthropicBlock), rewrite, skipping: holdsNoWords) else {
                return nil
            }
            block.anthropicBlock = object
            return .anthropicOnly(block)
        case .responsesOnly(var block):
            // A web search's query, a code interpreter's code: words a model wrote from the user's.
            guard case .object(let object)? = try rewritten(.object(block.item), rewrite, skipping: holdsNoWords) else {
                return nil
            }
            block.item = object
            return .responsesOnly(block)
        case .image, .redactedThinking:
            return nil
        }
    }

    /// Whether a field of an Anthropic- or Responses-only block holds no one's words: types,
    /// identifiers, statuses, a document's base64 data (a match there would corrupt the file),
    /// encrypted content.
    private static func holdsNoWords(_ key: String) -> Bool {
        ["type", "id", "call_id", "status", "tool_use_id", "file_id", "media_type", "data", "signature"].contains(key)
            || key.hasPrefix("encrypted_")
    }

    /// Every string value of `value`, however deep, except those under keys `skipping` accepts.
    private static func rewritten<Failure: Error>(
        _ value: JSONValue,
        _ rewrite: (String) throws(Failure) -> String?,
        skipping: (String) -> Bool = { _ in false }
    ) throws(Failure) -> JSONValue? {
        switch value {
        case .string(let text):
            return try rewrite(text).map(JSONValue.string)
        case .array(var elements):
            var changed = false
            for index in elements.indices {
                if let element = try rewritten(elements[index], rewrite, skipping: skipping) {
                    elements[index] = element
                    changed = true
                }
            }
            return changed ? .array(elements) : nil
        case .object(let object):
            var entries = object.entries
            var changed = false
            for index in entries.indices where !skipping(entries[index].key) {
                if let value = try rewritten(entries[index].value, rewrite, skipping: skipping) {
                    entries[index].value = value
                    changed = true
                }
            }
            return changed ? .object(JSONObject(entries.map { ($0.key, $0.value) })) : nil
        case .null, .bool, .number:
            return nil
        }
    }
}
