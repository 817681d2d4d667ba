internal import Yams

extension ConfigurationError {
    /// A YAML syntax error on one line, at the line and column the parser points at.
    ///
    /// Yams' own description spans several lines (the problem, then the offending line and a caret
    /// under it), which breaks `file:line: reason` output and one-line logs.
    static func invalidYAML(_ error: any Error, file: String?) -> ConfigurationError {
        guard let yamlError = error as? YamlError else { return ConfigurationError("invalid YAML", file: file) }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return ConfigurationError("invalid YAML: \(problem)\(during)", file: file, line: mark.line, column: mark.column)
        case .reader(let problem, _, _, _):
            return ConfigurationError("invalid YAML: \(problem)", file: file)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                "invalid YAML: duplicate keys \(duplicates.sorted().joined(separator: ", "))", file: file,
                line: context.mark.line, column: context.mark.column)
        default:
            return ConfigurationError(
                "invalid YAML: \(String(describing: yamlError).split(separator: "\n").joined(separator: " "))", file: file)
        }
    }
}
