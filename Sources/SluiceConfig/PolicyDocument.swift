internal import Foundation
public import SluiceCore
internal import Yams

/// A policy file read from `policies/NAME.yaml`: the stages it runs, in order, and each stage's
/// settings, with the line every setting is on so errors can point at it.
public struct PolicyDocument: Sendable {
    /// The policy's name: the file name without `.yaml`.
    public let name: String
    public let file: String
    /// Stage names in the order requests pass through them.
    public let stages: [String]
    /// Each top-level section (a stage's settings) as JSON.
    public let sections: [String: JSONValue]
    /// What traces of the policy's requests may hold (`telemetry:`, not a stage).
    public let telemetry: PolicyTelemetry
    private let lines: [String: Int]

    /// Reads and parses a policy file.
    public static func load(path: String) throws(ConfigurationError) -> PolicyDocument {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot read the policy file", file: path)
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(yaml: text, name: name, file: path)
    }

    public static func parse(yaml text: String, name: String, file: String) throws(ConfigurationError) -> PolicyDocument {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .invalidYAML(error, file: file)
        }
        guard let root else { throw ConfigurationError("the policy is empty; it needs at least `stages:`", file: file) }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError("a policy must be a mapping with `stages:` and stage sections", file: file, line: root.mark?.line)
        }
        var lines: [String: Int] = [:]
        var stages: [String]?
        var sections: [String: JSONValue] = [:]
        var telemetry = PolicyTelemetry()
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw ConfigurationError("keys must be strings", file: file, line: keyNode.mark?.line) }
            lines[key] = keyNode.mark?.line
            if key == "stages" {
                guard case .sequence(let list) = valueNode, list.allSatisfy({ $0.string?.isEmpty == false }) else {
                    throw ConfigurationError("stages must be a list of stage names", file: file, line: valueNode.mark?.line)
                }
                stages = list.compactMap(\.string)
            } else if key == "telemetry" {
                telemetry = try parseTelemetry(valueNode, file: file)
            } else {
                sections[key] = json(from: valueNode, path: key, lines: &lines)
            }
        }
        guard let stages else { throw ConfigurationError("the policy needs `stages:`, the list of stages it runs in order", file: file) }
        return PolicyDocument(name: name, file: file, stages: stages, sections: sections, telemetry: telemetry, lines: lines)
    }

    private static func parseTelemetry(_ node: Node, file: String) throws(ConfigurationError) -> PolicyTelemetry {
        var telemetry = PolicyTelemetry()
        for (key, value) in try YAMLCursor(node: node, path: "telemetry", file: file).entries(allowed: ["capture_content"]) {
            if key == "capture_content" { telemetry.captureContent = try value.bool() }
        }
        return telemetry
    }

    /// The line of the setting at `path` (`pii.detectors.email`), or of its nearest enclosing setting.
    public func line(forPath path: String) -> Int? {
        var candidate = path
        while !candidate.isEmpty {
            if let line = lines[candidate] { return line }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            candidate = String(candidate[..<cut])
        }
        return nil
    }

    /// YAML to JSON: plain scalars become numbers, booleans or null when YAML reads them so.
    private static func json(from node: Node, path: String, lines: inout [String: Int]) -> JSONValue {
        lines[path] = lines[path] ?? node.mark?.line
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let flag = node.bool { return .bool(flag) }
                if let integer = node.int { return .integer(integer) }
                if let number = node.float, number.isFinite { return .double(number) }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { json(from: $1, path: "\(path)[\($0)]", lines: &lines) })
        case .mapping(let mapping):
            var object = JSONObject()
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                lines["\(path).\(key)"] = keyNode.mark?.line
                object[key] = json(from: valueNode, path: "\(path).\(key)", lines: &lines)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }
}
