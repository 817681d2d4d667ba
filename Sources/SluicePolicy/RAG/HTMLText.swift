internal import Foundation

/// The visible text of an HTML document: tags dropped, `script` and `style` bodies with them,
/// block elements turned into line breaks, headings into Markdown ones, the common entities decoded.
///
/// Not a parser: enough for documentation pages, whose text is what a passage should hold.
enum HTMLText {
    static func text(of html: String) -> String {
        var output = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
                index = html.index(after: close)
                if !tag.hasPrefix("/"), name == "script" || name == "style",
                    let end = html[index...].range(of: "</\(name)", options: .caseInsensitive)
                {
                    index = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                    continue
                }
                if blockElements.contains(name) { output += "\n" }
                // Headings become Markdown ones, so the chunker files passages under them.
                if !tag.hasPrefix("/"), name.count == 2, name.first == "h", let level = name.last?.wholeNumberValue {
                    output += String(repeating: "#", count: level) + " "
                }
                continue
            }
            if character == "&", let semicolon = html[index...].prefix(10).firstIndex(of: ";"),
                let decoded = entity(String(html[html.index(after: index)..<semicolon]))
            {
                output += decoded
                index = html.index(after: semicolon)
                continue
            }
            output.append(character)
            index = html.index(after: index)
        }
        // Indentation of the markup is not the text's.
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        }
        return lines.joined(separator: "\n")
    }

    private static let blockElements: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "pre", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "title", "dt", "dd",
    ]

    private static func entity(_ name: String) -> String? {
        switch name {
        case "amp": "&"
        case "lt": "<"
        case "gt": ">"
        case "quot": "\""
        case "apos", "#39": "'"
        case "nbsp": " "
        default:
            if name.hasPrefix("#x"), let code = UInt32(name.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                String(Character(scalar))
            } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                String(Character(scalar))
            } else {
                nil
            }
        }
    }
}
