/// A glob over model names: `*` matches any run of characters, `?` any one character, and
/// everything else only itself — `[` and `]` included, since Claude Code sends names such as
/// `glm-5.2[1m]`.
public struct ModelGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    public var description: String { pattern }

    /// Whether the pattern has no wildcard, so it names exactly one model.
    public var isLiteral: Bool { !scalars.contains("*") && !scalars.contains("?") }

    public func matches(_ name: String) -> Bool {
        let text = Array(name.unicodeScalars)
        var patternIndex = 0
        var textIndex = 0
        // Where to resume after the last `*`: iterative matching, linear in practice, no recursion.
        var starPattern = -1
        var starText = 0
        while textIndex < text.count {
            if patternIndex < scalars.count, scalars[patternIndex] == "*" {
                starPattern = patternIndex
                starText = textIndex
                patternIndex += 1
            } else if patternIndex < scalars.count, scalars[patternIndex] == "?" || scalars[patternIndex] == text[textIndex] {
                patternIndex += 1
                textIndex += 1
            } else if starPattern >= 0 {
                patternIndex = starPattern + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while patternIndex < scalars.count, scalars[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == scalars.count
    }
}
