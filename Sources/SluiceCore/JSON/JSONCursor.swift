/// A JSON value together with its path in the request, for decoding with errors that say where.
///
/// ```swift
/// let body = JSONCursor(root: try JSONParser.parse(bytes))
/// let model = try body.required("model").string()   // "model: expected a string"
/// ```
/// Unknown fields are simply never read: clients send many, and none may cause a 400.
public struct JSONCursor: Sendable {
    public let value: JSONValue
    public let path: String

    public init(root: JSONValue) {
        self.value = root
        self.path = ""
    }

    init(value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    private func childPath(_ component: String) -> String {
        path.isEmpty ? component : "\(path).\(component)"
    }

    /// The field `name`, or `nil` when it is absent or `null`.
    public func optional(_ name: String) throws(SluiceError) -> JSONCursor? {
        guard case .object(let object) = value else { throw mismatch("an object") }
        guard let child = object[name], child != .null else { return nil }
        return JSONCursor(value: child, path: childPath(name))
    }

    /// The field `name`, which must be present and not `null`.
    public func required(_ name: String) throws(SluiceError) -> JSONCursor {
        guard let child = try optional(name) else {
            throw .invalidField(childPath(name), "field required")
        }
        return child
    }

    public func string() throws(SluiceError) -> String {
        guard case .string(let text) = value else { throw mismatch("a string") }
        return text
    }

    public func bool() throws(SluiceError) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("a boolean") }
        return flag
    }

    public func int() throws(SluiceError) -> Int {
        guard let number = value.intValue else { throw mismatch("an integer") }
        return number
    }

    public func double() throws(SluiceError) -> Double {
        guard let number = value.doubleValue else { throw mismatch("a number") }
        return number
    }

    public func array() throws(SluiceError) -> [JSONCursor] {
        guard case .array(let elements) = value else { throw mismatch("an array") }
        return elements.enumerated().map { JSONCursor(value: $1, path: "\(path)[\($0)]") }
    }

    public func object() throws(SluiceError) -> JSONObject {
        guard case .object(let object) = value else { throw mismatch("an object") }
        return object
    }

    /// A string or an array of strings (as `stop` and `stop_sequences` may be).
    public func strings() throws(SluiceError) -> [String] {
        if case .string(let text) = value { return [text] }
        var result: [String] = []
        for element in try array() { result.append(try element.string()) }
        return result
    }

    public func mismatch(_ expected: String) -> SluiceError {
        path.isEmpty ? .invalidRequest("body: expected \(expected)") : .invalidField(path, "expected \(expected)")
    }
}
