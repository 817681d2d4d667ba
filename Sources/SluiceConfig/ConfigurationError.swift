/// A configuration problem, said in one line with the file, line and (when known) column it is on.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let file: String?
    public let line: Int?
    /// Set where the YAML parser points at a character, not only at a setting's line.
    public let column: Int?

    public init(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column: message` as compilers write it, leaving out what is not known.
    public var description: String {
        let position = line.map { line in column.map { "\(line):\($0)" } ?? "\(line)" }
        return switch (file, position) {
        case (let file?, let position?): "\(file):\(position): \(message)"
        case (let file?, nil): "\(file): \(message)"
        case (nil, let position?): "line \(position): \(message)"
        case (nil, nil): message
        }
    }
}
