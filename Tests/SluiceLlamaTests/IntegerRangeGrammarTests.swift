@testable import SluiceLlama
import Testing

/// Integer ranges as digit patterns: checked exactly for small cases, and by brute force against a
/// matcher of the generated pattern for many ranges.
@Suite struct IntegerRangeGrammarTests {
    @Test func smallRangesAreExact() {
        #expect(IntegerRangeGrammar.expression(lower: 1, upper: 9) == "[1-9]")
        #expect(IntegerRangeGrammar.expression(lower: 0, upper: 99) == #"([0-9] | [1-9] [0-9])"#)
        #expect(IntegerRangeGrammar.expression(lower: -5, upper: 12) == #"("-" [1-5] | ([0-9] | "1" [0-2]))"#)
        #expect(IntegerRangeGrammar.expression(lower: 0, upper: nil) == "([0-9] | [1-9] [0-9]{1,15})")
        #expect(
            IntegerRangeGrammar.expression(lower: nil, upper: -15)
                == #""-" (("1" [5-9] | [2-8] [0-9] | "9" [0-9]) | [1-9] [0-9]{2,15})"#)
    }

    @Test func everyIntegerInTheRangeMatchesAndNoOther() {
        let bounds: [Int?] = [nil, -1200, -101, -100, -99, -10, -9, -1, 0, 1, 7, 9, 10, 19, 20, 99, 100, 101, 999, 1000, 1234]
        var wrong: [String] = []
        for lower in bounds {
            for upper in bounds where upper == nil || lower == nil || upper! >= lower! {
                let pattern = DigitPattern(IntegerRangeGrammar.expression(lower: lower, upper: upper))
                for value in -1300...1300 where pattern.matches(String(value)) != ((lower ?? .min)...(upper ?? .max)).contains(value) {
                    wrong.append("\(value) in [\(String(describing: lower)), \(String(describing: upper))]")
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test func leadingZerosAndMinusZeroDoNotMatch() {
        let pattern = DigitPattern(IntegerRangeGrammar.expression(lower: -99, upper: 99))
        #expect(pattern.matches("0") && pattern.matches("-9") && pattern.matches("99"))
        #expect(!pattern.matches("01") && !pattern.matches("-0") && !pattern.matches("-099") && !pattern.matches(""))
    }
}

/// A matcher for the small GBNF subset the range grammar writes: literals, digit classes,
/// `{n}`/`{m,n}` repetition, sequences and parenthesised alternatives.
private struct DigitPattern {
    private indirect enum Node {
        case literal(String)
        case digits(ClosedRange<Character>, min: Int, max: Int)
        case sequence([Node])
        case choice([Node])
    }

    private let root: Node

    init(_ text: String) {
        var scanner = Array(text)[...]
        root = Self.choice(&scanner)
    }

    func matches(_ text: String) -> Bool {
        Self.ends(root, Array(text)[...]).contains { $0.isEmpty }
    }

    private static func ends(_ node: Node, _ input: ArraySlice<Character>) -> [ArraySlice<Character>] {
        switch node {
        case .literal(let text): return input.starts(with: text) ? [input.dropFirst(text.count)] : []
        case .digits(let range, let min, let max):
            var results: [ArraySlice<Character>] = []
            var rest = input
            for count in 0...max {
                if count >= min { results.append(rest) }
                guard let first = rest.first, range.contains(first) else { break }
                rest = rest.dropFirst()
            }
            return results
        case .sequence(let nodes):
            return nodes.reduce([input]) { inputs, node in inputs.flatMap { ends(node, $0) } }
        case .choice(let nodes):
            return nodes.flatMap { ends($0, input) }
        }
    }

    private static func choice(_ scanner: inout ArraySlice<Character>) -> Node {
        var options = [sequence(&scanner)]
        while scanner.first == "|" {
            scanner.removeFirst()
            options.append(sequence(&scanner))
        }
        return options.count == 1 ? options[0] : .choice(options)
    }

    private static func sequence(_ scanner: inout ArraySlice<Character>) -> Node {
        var nodes: [Node] = []
        while let next = scanner.first, next != "|", next != ")" {
            switch next {
            case " ": scanner.removeFirst()
            case "(":
                scanner.removeFirst()
                nodes.append(choice(&scanner))
                scanner.removeFirst()  // ")"
            case "\"":
                scanner.removeFirst()
                let text = scanner.prefix { $0 != "\"" }
                scanner.removeFirst(text.count + 1)
                nodes.append(.literal(String(text)))
            default:  // "[a-b]" or "[a]" then an optional repetition
                let low = scanner[scanner.index(after: scanner.startIndex)]
                let short = scanner.dropFirst(2).first == "]"
                let high = short ? low : scanner[scanner.startIndex + 3]
                scanner.removeFirst(short ? 3 : 5)
                var (min, max) = (1, 1)
                if scanner.first == "{" {
                    let body = scanner.dropFirst().prefix { $0 != "}" }
                    scanner.removeFirst(body.count + 2)
                    let parts = body.split(separator: ",").map { Int(String($0))! }
                    (min, max) = (parts[0], parts.count == 2 ? parts[1] : parts[0])
                }
                nodes.append(.digits(low...high, min: min, max: max))
            }
        }
        return nodes.count == 1 ? nodes[0] : .sequence(nodes)
    }
}
