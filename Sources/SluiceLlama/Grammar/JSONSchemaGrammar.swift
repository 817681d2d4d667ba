internal import Foundation
internal import SluiceCore

/// Translates a JSON Schema into a GBNF grammar for llama.cpp's grammar sampler, so the embedded
/// engine can only generate JSON the schema accepts.
///
/// ```swift
/// let gbnf = try JSONSchemaGrammar.grammar(for: ["type": "boolean"], strict: true)
/// // root ::= boolean
/// // boolean ::= ("true" | "false") space
/// // space ::= | " " | "\n" [ \t]{0,20}
/// ```
///
/// Covered: `type` (one or a list), `properties` in the order given with `required` and
/// `additionalProperties`, `items` with `minItems`/`maxItems`, `minLength`/`maxLength`, integer
/// `minimum`/`maximum` (and their exclusive forms), `enum`, `const`, `anyOf`, `oneOf` (exclusivity
/// unchecked), a one-element `allOf`, local `$ref`s (recursion included); annotations (`title`,
/// `description`, …) are ignored. A keyword the grammar
/// cannot express makes a strict schema a 400 naming it; a non-strict schema drops it and gets a
/// looser grammar. Numbers and whitespace have bounded length, so a schema whose strings and arrays
/// are bounded yields a grammar that must end.
///
/// Hostile schemas cannot run away: nesting, the subschemas visited (type lists and `anyOf`
/// multiply work), repetition bounds and the grammar's size are all capped.
struct JSONSchemaGrammar {
    static let maximumDepth = 64
    static let maximumVisits = 10_000
    /// `{m,n}` is unrolled by llama.cpp into about `n` rules.
    static let maximumRepetition = 10_000
    static let maximumGrammarBytes = 1 << 20
    /// Each optional property adds a link to a chain llama.cpp walks recursively.
    static let maximumOptionalProperties = 1000

    /// Any JSON object: what `json_object` asks for.
    static var anyObject: String {
        var builder = JSONSchemaGrammar(root: .null, strict: false)
        builder.reserve("root")
        let object = builder.primitive("object")
        builder.define("root", object)
        return builder.text
    }

    /// The grammar for values `schema` accepts.
    ///
    /// - Throws: a 400 (``SluiceError/invalidRequest(_:)``) naming the keyword or reference that
    ///   cannot be honoured, or saying the schema is too deep or too large.
    static func grammar(for schema: JSONValue, strict: Bool) throws(SluiceError) -> String {
        var builder = JSONSchemaGrammar(root: schema, strict: strict)
        builder.reserve("root")
        builder.referenceRules["#"] = "root"
        let body = try builder.expression(for: schema, pointer: "#", name: "root", depth: 0)
        builder.define("root", body)
        let text = builder.text
        guard text.utf8.count <= maximumGrammarBytes else { throw tooLarge }
        return text
    }

    // MARK: - Keywords

    /// Keywords the grammar honours (some only for their type, as JSON Schema applies them).
    private static let supported: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength",
        "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "const", "anyOf",
        "oneOf", "allOf", "$ref", "$defs", "definitions",
    ]
    /// Bounds the grammar keeps for integers only.
    private static let rangeKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
    /// Keywords that do not constrain the value.
    private static let annotations: Set<String> = [
        "title", "description", "$schema", "$id", "$comment", "examples", "default", "deprecated", "readOnly",
        "writeOnly", "discriminator",
    ]
    /// Patterns every string matches, which pydantic and friends emit for plain strings.
    private static let trivialPatterns: Set<String> = [".*", "^.*$"]

    // MARK: - Building

    private let root: JSONValue
    private let strict: Bool
    private var rules: [(name: String, body: String)] = []
    private var ruleIndex: [String: Int] = [:]
    private var referenceRules: [String: String] = [:]
    private var nameSuffixes: [String: Int] = [:]
    private var visits = 0
    private var bytes = 0

    private init(root: JSONValue, strict: Bool) {
        self.root = root
        self.strict = strict
    }

    private var text: String {
        rules.map { "\($0.name) ::= \($0.body)\n" }.joined()
    }

    /// Claims `name` before its body is known, so it comes first (root) or can refer to itself (`$ref`).
    private mutating func reserve(_ name: String) {
        ruleIndex[name] = rules.count
        rules.append((name, ""))
    }

    private mutating func define(_ name: String, _ body: String) {
        if let index = ruleIndex[name] {
            rules[index].body = body
        } else {
            ruleIndex[name] = rules.count
            rules.append((name, body))
        }
    }

    /// A fresh rule name from `base` (rule names are letters, digits and dashes).
    private mutating func uniqueName(_ base: String) -> String {
        let cleaned = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        let base = cleaned.isEmpty ? "rule" : cleaned
        var name = base
        // The next suffix per base keeps naming linear when many rules share one.
        while ruleIndex[name] != nil || Self.primitives[name] != nil {
            let suffix = nameSuffixes[base, default: 2]
            nameSuffixes[base] = suffix + 1
            name = "\(base)-\(suffix)"
        }
        reserve(name)
        return name
    }

    /// A named rule for `body`, so an expression used twice is written once.
    private mutating func named(_ base: String, _ body: String) -> String {
        if Self.isName(body) { return body }
        let name = uniqueName(base)
        define(name, body)
        return name
    }

    private static func isName(_ expression: String) -> Bool {
        !expression.isEmpty && expression.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    // MARK: - Schemas

    private mutating func expression(
        for schema: JSONValue, pointer: String, name: String, depth: Int
    ) throws(SluiceError)
        -> String
    {
        visits += 1
        guard depth < Self.maximumDepth else {
            throw .invalidRequest("response format schema: nested deeper than \(Self.maximumDepth) levels at \(pointer)")
        }
        guard visits <= Self.maximumVisits else { throw Self.tooLarge }
        switch schema {
        case .bool(true): return primitive("value")
        case .object(let object): return try expression(for: object, pointer: pointer, name: name, depth: depth)
        default: throw .invalidRequest("response format schema: \(pointer) is not a schema object")
        }
    }

    private mutating func expression(
        for schema: JSONObject, pointer: String, name: String, depth: Int
    ) throws(SluiceError)
        -> String
    {
        if strict {
            for key in schema.keys where !Self.supported.contains(key) && !Self.annotations.contains(key) {
                throw Self.unsupported(key, pointer)
            }
        }
        if let reference = schema["$ref"] {
            return try referenceRule(reference, pointer: pointer, depth: depth)
        }
        if let value = schema["const"] {
            return try literal(value)
        }
        if let values = schema["enum"] {
            guard case .array(let values) = values, !values.isEmpty else {
                throw .invalidRequest("response format schema: \(pointer)/enum must be a non-empty array")
            }
            var choices: [String] = []
            for value in values { choices.append(try literal(value)) }
            return Self.alternatives(choices)
        }
        for keyword in ["anyOf", "oneOf"] {
            if let options = schema[keyword] {
                return try alternatives(options, keyword: keyword, pointer: pointer, name: name, depth: depth)
            }
        }
        if let all = schema["allOf"] {
            if case .array(let parts) = all, parts.count == 1 {
                return try expression(for: parts[0], pointer: "\(pointer)/allOf/0", name: name, depth: depth + 1)
            }
            if strict { throw Self.unsupported("allOf", pointer) }
        }
        switch schema["type"] {
        case .string(let type)?:
            return try typed(type, schema, pointer: pointer, name: name, depth: depth)
        case .array(let types)?:
            var choices: [String] = []
            for (index, type) in types.enumerated() {
                guard case .string(let type) = type else {
                    throw .invalidRequest("response format schema: \(pointer)/type/\(index) must be a string")
                }
                choices.append(try typed(type, schema, pointer: pointer, name: "\(name)-\(type)", depth: depth))
            }
            guard !choices.isEmpty else { throw .invalidRequest("response format schema: \(pointer)/type is empty") }
            return Self.alternatives(choices)
        case nil:
            if schema["properties"] != nil || schema["additionalProperties"] != nil {
                return try typed("object", schema, pointer: pointer, name: name, depth: depth)
            }
            if schema["items"] != nil { return try typed("array", schema, pointer: pointer, name: name, depth: depth) }
            return primitive("value")
        default:
            throw .invalidRequest("response format schema: \(pointer)/type must be a string or an array of strings")
        }
    }

    private mutating func typed(
        _ type: String, _ schema: JSONObject, pointer: String, name: String, depth: Int
    )
        throws(SluiceError) -> String
    {
        switch type {
        case "object": return try object(schema, pointer: pointer, name: name, depth: depth)
        case "array": return try array(schema, pointer: pointer, name: name, depth: depth)
        case "string": return try string(schema, pointer: pointer)
        case "integer": return try integer(schema, pointer: pointer)
        case "number":
            if strict, let keyword = Self.rangeKeywords.first(where: { schema[$0] != nil }) {
                throw Self.unsupported(keyword, pointer)
            }
            return primitive(type)
        case "boolean", "null": return primitive(type)
        default: throw .invalidRequest("response format schema: \(pointer)/type '\(type)' is not a JSON Schema type")
        }
    }

    private mutating func alternatives(
        _ options: JSONValue, keyword: String, pointer: String, name: String, depth: Int
    )
        throws(SluiceError) -> String
    {
        guard case .array(let options) = options, !options.isEmpty else {
            throw .invalidRequest("response format schema: \(pointer)/\(keyword) must be a non-empty array")
        }
        var choices: [String] = []
        for (index, option) in options.enumerated() {
            choices.append(
                try expression(for: option, pointer: "\(pointer)/\(keyword)/\(index)", name: "\(name)-\(index)", depth: depth + 1))
        }
        return Self.alternatives(choices)
    }

    /// A rule per referenced schema, written once, so references may recurse.
    private mutating func referenceRule(_ reference: JSONValue, pointer: String, depth: Int) throws(SluiceError) -> String {
        guard case .string(let target) = reference else {
            throw .invalidRequest("response format schema: \(pointer)/$ref must be a string")
        }
        if let name = referenceRules[target] { return name }
        guard let schema = resolve(target) else {
            throw .invalidRequest(
                "response format schema: $ref '\(target)' at \(pointer) does not point into the schema (only local references such as #/$defs/Name are followed)"
            )
        }
        let name = uniqueName(target.split(separator: "/").last.map(String.init) ?? "ref")
        referenceRules[target] = name
        let body = try expression(for: schema, pointer: target, name: name, depth: depth + 1)
        define(name, body)
        return name
    }

    /// The subschema a local JSON pointer (`#/$defs/Node`, `#/definitions/Node`, `#`) names.
    private func resolve(_ target: String) -> JSONValue? {
        guard target.hasPrefix("#") else { return nil }
        var current = root
        for token in target.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let object): guard let next = object[key] else { return nil }; current = next
            case .array(let elements):
                guard let index = Int(key), elements.indices.contains(index) else { return nil }; current = elements[index]
            default: return nil
            }
        }
        return current
    }

    // MARK: - Types

    private mutating func object(_ schema: JSONObject, pointer: String, name: String, depth: Int) throws(SluiceError) -> String {
        _ = primitive("space")
        var members: [(key: String, pair: String, required: Bool)] = []
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if case .object(let declared)? = schema["properties"] {
            for (key, subschema) in declared {
                let value = try expression(
                    for: subschema, pointer: "\(pointer)/properties/\(Self.escapePointer(key))", name: "\(name)-\(key)",
                    depth: depth + 1)
                let keyLiteral = try literal(.string(key))
                members.append((key, "\(keyLiteral) \":\" space \(value)", required.contains(key)))
            }
        }
        // Extra keys: those `additionalProperties` allows; when it is absent, only if no property is declared.
        var extraValue: String?
        switch schema["additionalProperties"] {
        case .bool(false)?: extraValue = nil
        case .bool(true)?, nil:
            if members.isEmpty { return primitive("object") }
            extraValue = schema["additionalProperties"] == nil ? nil : primitive("value")
        case let subschema?:
            extraValue = try expression(
                for: subschema, pointer: "\(pointer)/additionalProperties", name: "\(name)-additional", depth: depth + 1)
        }
        var extra: String?
        if let extraValue {
            let key = primitive("string")
            extra = named("\(name)-extra", "\(key) \":\" space \(extraValue)")
        }

        if members.allSatisfy(\.required), extra == nil {
            let body = members.map(\.pair).joined(separator: #" "," space "#)
            return body.isEmpty ? #""{" space "}" space"# : #""{" space \#(body) "}" space"#
        }
        // With optional members a comma depends on what came before. What may follow a member is
        // a rule of its own (`after`), built from the last member back; the object starts with
        // any member up to the first required one. Flat alternatives and one rule per member keep
        // the grammar linear in size, and llama.cpp's recursive checks of it shallow.
        guard members.count(where: { !$0.required }) <= Self.maximumOptionalProperties else {
            throw .invalidRequest(
                "response format schema: more than \(Self.maximumOptionalProperties) optional properties at \(pointer)")
        }
        var following = Array(repeating: "", count: members.count)
        var rest = extra.map { #"("," space \#($0))*"# } ?? ""
        for (index, member) in members.enumerated().reversed() {
            following[index] = rest.isEmpty ? "" : " " + named("\(name)-after-\(member.key)", rest)
            rest =
                member.required ? #""," space \#(member.pair)\#(following[index])"# : #"("," space \#(member.pair))?\#(following[index])"#
        }
        var starts: [String] = []
        for (index, member) in members.enumerated() {
            starts.append(member.pair + following[index])
            if member.required { break }
        }
        let allOptional = !members.contains(where: \.required)
        if allOptional, let extra { starts.append(#"\#(extra) ("," space \#(extra))*"#) }
        let first = allOptional ? "(\(starts.joined(separator: " | ")))?" : Self.alternatives(starts)
        return #""{" space \#(first) "}" space"#
    }

    private mutating func array(_ schema: JSONObject, pointer: String, name: String, depth: Int) throws(SluiceError) -> String {
        _ = primitive("space")
        let item: String
        if let items = schema["items"] {
            let body = try expression(for: items, pointer: "\(pointer)/items", name: "\(name)-item", depth: depth + 1)
            item = named("\(name)-item", body)
        } else {
            item = primitive("value")
        }
        let (minimum, maximum) = try bounds(schema, "minItems", "maxItems", pointer: pointer)
        if maximum == 0 { return #""[" space "]" space"# }
        let tail = maximum == 1 ? "" : #" ("," space \#(item))\#(Self.repetition(max(minimum - 1, 0), maximum.map { $0 - 1 }))"#
        let items = minimum == 0 ? "(\(item)\(tail))?" : item + tail
        return #""[" space \#(items) "]" space"#
    }

    private mutating func string(_ schema: JSONObject, pointer: String) throws(SluiceError) -> String {
        if strict, let pattern = schema["pattern"], !(pattern.stringValue.map(Self.trivialPatterns.contains) ?? false) {
            throw Self.unsupported("pattern", pointer)
        }
        let (minimum, maximum) = try bounds(schema, "minLength", "maxLength", pointer: pointer)
        if minimum == 0, maximum == nil { return primitive("string") }
        let space = primitive("space")
        if maximum == 0 { return #""\"\"" \#(space)"# }
        let char = primitive("char")
        return #""\"" \#(char)\#(Self.repetition(minimum, maximum)) "\"" \#(space)"#
    }

    private mutating func integer(_ schema: JSONObject, pointer: String) throws(SluiceError) -> String {
        func bound(_ keyword: String) throws(SluiceError) -> Double? {
            // Draft 4 flags `exclusiveMinimum: true`; the flag is read below, not as a bound.
            guard let value = schema[keyword], value.boolValue == nil else { return nil }
            guard let number = value.doubleValue else {
                throw .invalidRequest("response format schema: \(pointer)/\(keyword) must be a number")
            }
            guard abs(number) <= Double(IntegerRangeGrammar.largestBound) else {
                throw .invalidRequest(
                    "response format schema: \(pointer)/\(keyword) beyond ±\(IntegerRangeGrammar.largestBound) is not supported")
            }
            return number
        }
        var lower = try bound("minimum").map { Int($0.rounded(.up)) }
        var upper = try bound("maximum").map { Int($0.rounded(.down)) }
        if schema["exclusiveMinimum"] == .bool(true), let minimum = try bound("minimum") { lower = Int(minimum.rounded(.down)) + 1 }
        if schema["exclusiveMaximum"] == .bool(true), let maximum = try bound("maximum") { upper = Int(maximum.rounded(.up)) - 1 }
        if let minimum = try bound("exclusiveMinimum") { lower = max(lower ?? .min, Int(minimum.rounded(.down)) + 1) }
        if let maximum = try bound("exclusiveMaximum") { upper = min(upper ?? .max, Int(maximum.rounded(.up)) - 1) }
        if lower == nil, upper == nil { return primitive("integer") }
        if let lower, let upper, lower > upper {
            throw .invalidRequest("response format schema: no integer lies within the bounds at \(pointer)")
        }
        let space = primitive("space")
        return "\(IntegerRangeGrammar.expression(lower: lower, upper: upper)) \(space)"
    }

    /// A pair of non-negative bounds such as `minItems`/`maxItems`, checked.
    private func bounds(_ schema: JSONObject, _ lower: String, _ upper: String, pointer: String) throws(SluiceError) -> (Int, Int?) {
        func read(_ keyword: String) throws(SluiceError) -> Int? {
            guard let value = schema[keyword] else { return nil }
            guard let number = value.intValue, number >= 0 else {
                throw .invalidRequest("response format schema: \(pointer)/\(keyword) must be a non-negative integer")
            }
            guard number <= Self.maximumRepetition else {
                throw .invalidRequest("response format schema: \(pointer)/\(keyword) above \(Self.maximumRepetition) is not supported")
            }
            return number
        }
        let minimum = try read(lower) ?? 0
        let maximum = try read(upper)
        if let maximum, maximum < minimum {
            throw .invalidRequest("response format schema: \(pointer)/\(upper) is below \(lower)")
        }
        return (minimum, maximum)
    }

    // MARK: - Text

    /// GBNF for exactly `value`'s compact JSON.
    private mutating func literal(_ value: JSONValue) throws(SluiceError) -> String {
        let json = value.serializedString()
        bytes += json.utf8.count
        guard bytes <= Self.maximumGrammarBytes else { throw Self.tooLarge }
        return "\"\(Self.escape(json))\" \(primitive("space"))"
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func escapePointer(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private static func alternatives(_ choices: [String]) -> String {
        choices.count == 1 ? choices[0] : "(\(choices.joined(separator: " | ")))"
    }

    private static func repetition(_ minimum: Int, _ maximum: Int?) -> String {
        switch (minimum, maximum) {
        case (0, nil): "*"
        case (1, nil): "+"
        case (let minimum, nil): "{\(minimum),}"
        case (let minimum, let maximum?) where minimum == maximum: "{\(minimum)}"
        case (let minimum, let maximum?): "{\(minimum),\(maximum)}"
        }
    }

    // MARK: - Primitives

    /// llama.cpp's JSON building blocks (common/json-schema-to-grammar.cpp): every value eats the
    /// whitespace after it, and numbers and whitespace are bounded so they cannot run on forever.
    private static let primitives: [String: (body: String, uses: [String])] = [
        "value": ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        "object": (#""{" space ( string ":" space value ("," space string ":" space value)* )? "}" space"#, ["space", "string", "value"]),
        "array": (#""[" space ( value ("," space value)* )? "]" space"#, ["space", "value"]),
        "string": (#""\"" char* "\"" space"#, ["char", "space"]),
        "char": (#"[^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})"#, []),
        "number": (
            #"("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space"#, ["integral-part", "decimal-part", "space"]
        ),
        "integer": (#"("-"? integral-part) space"#, ["integral-part", "space"]),
        "integral-part": (#"[0] | [1-9] [0-9]{0,15}"#, []),
        "decimal-part": (#"[0-9]{1,16}"#, []),
        "boolean": (#"("true" | "false") space"#, ["space"]),
        "null": (#""null" space"#, ["space"]),
        "space": (#"| " " | "\n" [ \t]{0,20}"#, []),
    ]

    /// The name of a building block, defined (with what it uses) on first use.
    private mutating func primitive(_ name: String) -> String {
        guard ruleIndex[name] == nil, let (body, uses) = Self.primitives[name] else { return name }
        define(name, body)
        for dependency in uses { _ = primitive(dependency) }
        return name
    }

    // MARK: - Errors

    private static func unsupported(_ keyword: String, _ pointer: String) -> SluiceError {
        .invalidRequest(
            "response format schema: keyword '\(keyword)' at \(pointer) is not supported by the embedded engine's strict mode")
    }

    private static let tooLarge = SluiceError.invalidRequest(
        "response format schema: too large for the embedded engine (at most \(maximumVisits) subschemas and \(maximumGrammarBytes) bytes of grammar)"
    )
}
