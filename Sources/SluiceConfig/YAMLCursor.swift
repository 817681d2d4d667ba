internal import Yams

/// A YAML node with its key path, for strict reading with errors that give the line.
struct YAMLCursor {
    let node: Node
    let path: String
    let file: String?

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(message, file: file, line: line)
    }

    /// The mapping's entries in order; a key outside `allowed` (when given) is an error naming it.
    func entries(allowed: Set<String>?) throws(ConfigurationError) -> [(key: String, value: YAMLCursor)] {
        guard case .mapping(let mapping) = node else { throw error("\(describe) must be a mapping") }
        var result: [(key: String, value: YAMLCursor)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw YAMLCursor(node: keyNode, path: path, file: file).error("keys must be strings") }
            guard allowed?.contains(key) ?? true else {
                let place = path.isEmpty ? "" : " in \(path)"
                throw ConfigurationError(
                    "unknown key '\(key)'\(place) (expected one of: \((allowed ?? []).sorted().joined(separator: ", ")))",
                    file: file, line: keyNode.mark?.line)
            }
            result.append((key, YAMLCursor(node: valueNode, path: path.isEmpty ? key : "\(path).\(key)", file: file)))
        }
        return result
    }

    func list() throws(ConfigurationError) -> [YAMLCursor] {
        guard case .sequence(let sequence) = node else { throw error("\(describe) must be a list") }
        return sequence.enumerated().map { YAMLCursor(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("\(describe) must be a string") }
        guard node.null == nil, !scalar.string.isEmpty else { throw error("\(describe) must not be empty") }
        return scalar.string
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("\(describe) must be true or false") }
        return value
    }

    func positiveInt() throws(ConfigurationError) -> Int {
        guard case .scalar = node, let value = node.int, value > 0 else { throw error("\(describe) must be a positive integer") }
        return value
    }

    func duration() throws(ConfigurationError) -> Duration {
        guard let value = DurationParser.parse(try string()) else {
            throw error("\(describe) must be a duration such as 500ms, 30s, 10m or 24h")
        }
        return value
    }

    func oneOf<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) throws(ConfigurationError) -> Choice
    where Choice.RawValue == String {
        let text = try string()
        guard let choice = Choice(rawValue: text) else {
            throw error("\(describe) must be one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        return choice
    }

    func nonNegativeInt() throws(ConfigurationError) -> Int {
        guard case .scalar = node, let value = node.int, value >= 0 else { throw error("\(describe) must be zero or a positive integer") }
        return value
    }

    func nonNegativeNumber() throws(ConfigurationError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite, value >= 0 else {
            throw error("\(describe) must be a number, zero or more")
        }
        return value
    }

    private var describe: String { path.isEmpty ? "the configuration" : "'\(path)'" }
}
