internal import CLlama
internal import SluiceCore

extension LlamaEngine {
    /// A request rendered by the model's template and tokenized as generation will see it.
    struct PreparedPrompt: Sendable {
        let rendered: RenderedPrompt
        let tokens: [llama_token]
    }

    /// Renders and tokenizes `request`, exactly as generation and `count_tokens` see it.
    ///
    /// Templates that refuse system messages after the first turn get them folded into the
    /// neighbouring user turn instead, and those that refuse the client's tool-call IDs get IDs
    /// derived from them. The template's control tokens become control tokens; text the client
    /// wrote stays text even where it spells one (`<|im_end|>` in a user message).
    func prepare(_ request: ChatRequest) throws(LlamaError) -> PreparedPrompt {
        if LlamaPromptEncoder.hasImages(request) { throw .imagesUnsupported }
        let request = template.requiresNineCharacterToolCallIDs ? request.withNineCharacterToolCallIDs() : request
        var folded = false
        let rendered: RenderedPrompt
        do {
            rendered = try template.render(LlamaPromptEncoder.encode(request))
        } catch  where request.messages.contains(where: { $0.role == .system }) {
            folded = true
            rendered = try template.render(LlamaPromptEncoder.encode(request, foldSystemMessages: true))
        }
        let risky = Set(LlamaPromptEncoder.clientTexts(request).filter(model.containsSpecialText))
        guard !risky.isEmpty else {
            // The common case, and llama-server's way: the whole prompt with control tokens parsed.
            return PreparedPrompt(rendered: rendered, tokens: model.tokenize(rendered.prompt, special: true, addSpecial: true))
        }
        let spans = clientSpans(of: risky, in: request, prompt: rendered.prompt, folded: folded)
        return PreparedPrompt(rendered: rendered, tokens: tokenize(rendered.prompt, plainSpans: spans))
    }

    /// Where the client's texts are in the rendered prompt (UTF-8 offsets).
    ///
    /// The conversation is rendered a second time with each text replaced by a marker; where the
    /// markers land, the texts are, provided putting them back gives the same prompt (the template
    /// did not transform them). Otherwise each text is looked for in order.
    private func clientSpans(of texts: Set<String>, in request: ChatRequest, prompt: String, folded: Bool) -> [Range<Int>] {
        let ordered = texts.sorted()
        let markers = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, "\u{E000}\($0)\u{E001}") })
        let marked = request.replacingClientTexts(markers)
        if let markedPrompt = try? template.render(LlamaPromptEncoder.encode(marked, foldSystemMessages: folded)).prompt,
            let spans = Self.spans(markedPrompt: markedPrompt, texts: ordered, prompt: prompt)
        {
            return spans
        }
        let bytes = Array(prompt.utf8)
        var spans: [Range<Int>] = []
        var cursor = 0
        for text in LlamaPromptEncoder.clientTexts(request) where texts.contains(text) {
            if let range = Self.firstOccurrence(of: Array(text.utf8), in: bytes, from: cursor) {
                spans.append(range)
                cursor = range.upperBound
            }
        }
        return spans
    }

    /// The texts' spans, if the marked prompt with the texts put back is `prompt`.
    private static func spans(markedPrompt: String, texts: [String], prompt: String) -> [Range<Int>]? {
        var rebuilt: [UInt8] = []
        var spans: [Range<Int>] = []
        var scalars = markedPrompt.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\u{E000}" else {
                rebuilt += Array(String(scalar).utf8)
                continue
            }
            var digits = ""
            while let next = scalars.popFirst(), next != "\u{E001}" { digits.unicodeScalars.append(next) }
            guard let index = Int(digits), texts.indices.contains(index) else { return nil }
            let start = rebuilt.count
            rebuilt += Array(texts[index].utf8)
            spans.append(start..<rebuilt.count)
        }
        return rebuilt.elementsEqual(prompt.utf8) ? spans : nil
    }

    private static func firstOccurrence(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var position = start
        while position + needle.count <= haystack.count {
            if haystack[position] == needle[0], haystack[position..<(position + needle.count)].elementsEqual(needle) {
                return position..<(position + needle.count)
            }
            position += 1
        }
        return nil
    }

    /// Tokenizes `prompt` with control tokens parsed, except inside `plainSpans`.
    private func tokenize(_ prompt: String, plainSpans: [Range<Int>]) -> [llama_token] {
        let bytes = Array(prompt.utf8)
        var tokens = model.tokenize("", special: true, addSpecial: true)
        var cursor = 0
        for span in plainSpans.sorted(by: { $0.lowerBound < $1.lowerBound }) where span.lowerBound >= cursor {
            tokens += model.tokenize(String(decoding: bytes[cursor..<span.lowerBound], as: UTF8.self), special: true)
            tokens += model.tokenize(String(decoding: bytes[span], as: UTF8.self), special: false)
            cursor = span.upperBound
        }
        tokens += model.tokenize(String(decoding: bytes[cursor...], as: UTF8.self), special: true)
        return tokens
    }
}
