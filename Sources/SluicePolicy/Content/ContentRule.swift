import SluiceCore

/// One rule of a policy's `content` section: a PCRE2 pattern, or a list of words matched whole
/// and regardless of case, and the message the client is given: as the error of a refused
/// request (input rules), or as the last text of a stopped response (output rules).
///
/// ```yaml
/// - words: [confidential-project-x, "project x"]
///   message: "Project X may not be discussed with the model."
/// - pattern: '(?i)\binternal[- ]only\b'
///   message: "Internal-only material may not be sent."
/// ```
struct ContentRule: Sendable {
    static let defaultInputMessage = "The request was refused by the content policy."
    static let defaultOutputMessage = "The response was stopped by the content policy."

    let regex: PCRE2Regex
    let message: String

    init(settings: JSONCursor, defaultMessage: String, limits: PCRE2Regex.Limits = PCRE2Regex.Limits()) throws(SluiceError) {
        try settings.rejectUnknownFields(allowing: ["pattern", "words", "message"])
        message = try settings.optional("message")?.string() ?? defaultMessage
        switch (try settings.optional("pattern"), try settings.optional("words")) {
        case (let pattern?, nil):
            do {
                regex = try PCRE2Regex(try pattern.string(), options: .unicodeProperties, limits: limits)
            } catch let error as PCRE2Error {
                throw .invalidRequest("\(pattern.path): invalid pattern: \(error.message) at offset \(error.patternOffset ?? 0)")
            } catch let error as SluiceError {
                throw error
            } catch {
                throw .invalidRequest("\(pattern.path): invalid pattern")
            }
        case (nil, let words?):
            var list: [String] = []
            for word in try words.array() {
                let text = try word.string()
                guard text.contains(where: { !$0.isWhitespace }) else {
                    throw .invalidRequest("\(word.path): expected a word, not blank text")
                }
                list.append(text)
            }
            guard !list.isEmpty else { throw .invalidRequest("\(words.path): expected at least one word") }
            do {
                regex = try PCRE2Regex(Self.pattern(matchingWords: list), options: [.caseless, .unicodeProperties], limits: limits)
            } catch {
                throw .invalidRequest("\(words.path): cannot be matched: \(error.message)")
            }
        case (_?, _?):
            throw .invalidRequest("\(settings.path.isEmpty ? "rule" : settings.path): expected either pattern or words, not both")
        case (nil, nil):
            throw .invalidRequest("\(settings.path.isEmpty ? "rule" : settings.path): expected a pattern or words")
        }
    }

    /// Any of `words` as a whole word: not inside a longer word (Unicode letters and digits), but
    /// right after a JSON escape such as `\n` counts as a word start. Spaces inside a word match
    /// any run of white space.
    static func pattern(matchingWords words: [String]) -> String {
        let alternatives = words.map { word in
            word.split(whereSeparator: \.isWhitespace).map(literal).joined(separator: #"\s+"#)
        }
        return #"(?:(?<![\p{L}\p{N}_])|(?<=\\[nrtbf]))(?:"# + alternatives.joined(separator: "|") + #")(?![\p{L}\p{N}_])"#
    }

    /// `text` as a PCRE2 literal: every ASCII character that is not a letter or digit escaped.
    private static func literal(_ text: Substring) -> String {
        var pattern = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, !(("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)) {
                pattern.unicodeScalars.append("\\")
            }
            pattern.unicodeScalars.append(scalar)
        }
        return pattern
    }
}
