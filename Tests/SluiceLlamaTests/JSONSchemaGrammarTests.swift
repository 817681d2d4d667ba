import SluiceCore
@testable import SluiceLlama
import Testing

/// The JSON Schema to GBNF converter: exact grammars for small schemas, each keyword, and the
/// schemas it must refuse (strict mode, broken references, hostile size and depth).
@Suite struct JSONSchemaGrammarTests {
    private static let space = #"space ::= | " " | "\n" [ \t]{0,20}"#
    private static let char = #"char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})"#

    private func grammar(_ schema: JSONValue, strict: Bool = true) throws -> String {
        try JSONSchemaGrammar.grammar(for: schema, strict: strict)
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    @Test func aBooleanIsOneRuleAndItsWhitespace() throws {
        #expect(
            lines(try grammar(["type": "boolean"])) == [
                "root ::= boolean", #"boolean ::= ("true" | "false") space"#, Self.space,
            ])
    }

    @Test func anObjectKeepsPropertyOrderAndPlacesCommasAroundAnOptionalMember() throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["a": ["type": "integer"], "b": ["type": "string", "maxLength": 3]],
            "required": ["a"], "additionalProperties": false,
        ]
        #expect(
            lines(try grammar(schema)) == [
                #"root ::= "{" space "\"a\"" space ":" space integer root-after-a "}" space"#,
                Self.space,
                #"integer ::= ("-"? integral-part) space"#,
                "integral-part ::= [0] | [1-9] [0-9]{0,15}",
                Self.char,
                #"root-after-a ::= ("," space "\"b\"" space ":" space "\"" char{0,3} "\"" space)?"#,
            ])
    }

    @Test func requiredMembersFollowEachOtherWithEnumsAndIntegerRanges() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["color": ["enum": ["red", "green"]], "n": ["type": "integer", "minimum": 1, "maximum": 12]],
            "required": ["color", "n"], "additionalProperties": false,
        ]
        #expect(
            lines(try grammar(schema)) == [
                #"root ::= "{" space "\"color\"" space ":" space ("\"red\"" space | "\"green\"" space) "," space "\"n\"" space ":" space ([1-9] | "1" [0-2]) space "}" space"#,
                Self.space,
            ])
    }

    @Test func optionalMembersMayAllBeLeftOut() throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["x": ["type": "null"], "y": ["type": "null"]], "additionalProperties": false,
        ]
        #expect(
            lines(try grammar(schema)).first
                == #"root ::= "{" space ("\"x\"" space ":" space null root-after-x | "\"y\"" space ":" space null)? "}" space"#
        )
        #expect(lines(try grammar(schema)).contains(#"root-after-x ::= ("," space "\"y\"" space ":" space null)?"#))
    }

    @Test func additionalPropertiesAddKeysAfterTheDeclaredOnes() throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["id": ["type": "integer"]], "required": ["id"],
            "additionalProperties": ["type": "boolean"],
        ]
        let rules = lines(try grammar(schema))
        #expect(rules.first == #"root ::= "{" space "\"id\"" space ":" space integer root-after-id "}" space"#)
        #expect(rules.contains(#"root-extra ::= string ":" space boolean"#))
        #expect(rules.contains(#"root-after-id ::= ("," space root-extra)*"#))
        // Without properties or with `true`, any object.
        #expect(lines(try grammar(["type": "object"])).first == "root ::= object")
        #expect(lines(try grammar(["type": "object", "additionalProperties": true])).first == "root ::= object")
        let open = try grammar(["type": "object", "properties": ["id": ["type": "null"]], "additionalProperties": true])
        #expect(
            open.hasPrefix(
                #"root ::= "{" space ("\"id\"" space ":" space null root-after-id | root-extra ("," space root-extra)*)? "}" space"#))
    }

    @Test func arraysRepeatTheirItemWithinTheirBounds() throws {
        let bounded = lines(try grammar(["type": "array", "items": ["type": "boolean"], "minItems": 1, "maxItems": 3]))
        #expect(
            bounded == [
                #"root ::= "[" space boolean ("," space boolean){0,2} "]" space"#, Self.space,
                #"boolean ::= ("true" | "false") space"#,
            ])
        #expect(
            try grammar(["type": "array", "items": ["type": "null"]]).hasPrefix(#"root ::= "[" space (null ("," space null)*)? "]" space"#))
        #expect(
            try grammar(["type": "array", "items": ["type": "null"], "maxItems": 1]).hasPrefix(#"root ::= "[" space (null)? "]" space"#))
        #expect(try grammar(["type": "array", "maxItems": 0]).hasPrefix(#"root ::= "[" space "]" space"#))
        // A compound item is a rule of its own, so nested arrays do not double at every level.
        let nested = try grammar(["type": "array", "items": ["type": "array", "items": ["enum": [1, 2]]], "minItems": 2])
        #expect(nested.hasPrefix(#"root ::= "[" space root-item ("," space root-item)+ "]" space"#))
    }

    @Test func stringsHonourTheirLengthAndTrivialPatterns() throws {
        #expect(try grammar(["type": "string", "minLength": 2, "maxLength": 2]).hasPrefix(#"root ::= "\"" char{2} "\"" space"#))
        #expect(try grammar(["type": "string", "minLength": 1]).hasPrefix(#"root ::= "\"" char+ "\"" space"#))
        #expect(try grammar(["type": "string", "maxLength": 0]).hasPrefix(#"root ::= "\"\"" space"#))
        #expect(try grammar(["type": "string", "pattern": "^.*$"]).hasPrefix("root ::= string\n"))
    }

    @Test func typeListsEnumsConstsAndAlternatives() throws {
        #expect(try grammar(["type": ["string", "null"]]).hasPrefix("root ::= (string | null)\n"))
        #expect(try grammar(["const": ["a": [1, true]]]).hasPrefix(#"root ::= "{\"a\":[1,true]}" space"#))
        #expect(
            try grammar(["enum": ["x\"y", nil, .number("2.5")]]).hasPrefix(#"root ::= ("\"x\\\"y\"" space | "null" space | "2.5" space)"#))
        #expect(try grammar(["anyOf": [["type": "integer"], ["type": "boolean"]]]).hasPrefix("root ::= (integer | boolean)\n"))
        #expect(try grammar(["oneOf": [["type": "number"], ["type": "null"]]]).hasPrefix("root ::= (number | null)\n"))
        #expect(try grammar(["allOf": [["type": "null"]], "title": "T", "description": "ignored"]).hasPrefix("root ::= null\n"))
        #expect(try grammar([:]).hasPrefix("root ::= value\n"))
        #expect(
            try grammar(["type": "integer", "exclusiveMinimum": -3, "exclusiveMaximum": 100]).hasPrefix(
                #"root ::= ("-" [1-2] | ([0-9] | [1-9] [0-9])) space"#))
    }

    @Test(arguments: ["$defs", "definitions"])
    func referencesBecomeRulesAndMayRecurse(container: String) throws {
        let schema: JSONValue = .object([
            container: [
                "node": [
                    "type": "object", "properties": ["next": ["anyOf": [["$ref": .string("#/\(container)/node")], ["type": "null"]]]],
                    "required": ["next"], "additionalProperties": false,
                ]
            ],
            "$ref": .string("#/\(container)/node"),
        ])
        #expect(
            lines(try grammar(schema)) == [
                "root ::= node", #"node ::= "{" space "\"next\"" space ":" space (node | null) "}" space"#, Self.space,
                #"null ::= "null" space"#,
            ])
    }

    @Test func jsonObjectIsAnyObject() {
        let rules = lines(JSONSchemaGrammar.anyObject)
        #expect(rules.first == "root ::= object")
        #expect(rules.contains("value ::= object | array | string | number | boolean | null"))
    }

    @Test(
        arguments: [
            (["type": "string", "pattern": "^[a-z]+$"], "pattern"),
            (["type": "string", "format": "date-time"], "format"),
            (["type": "number", "minimum": 0], "minimum"),
            (["type": "array", "prefixItems": [["type": "null"]]], "prefixItems"),
            (["allOf": [["type": "null"], ["type": "null"]]], "allOf"),
            (["type": "object", "properties": ["a": ["not": ["type": "null"]]]], "not"),
            (["type": "array", "uniqueItems": true], "uniqueItems"),
        ] as [(JSONValue, String)])
    func aStrictSchemaWithAnUnsupportedKeywordIsRefusedNamingIt(schema: JSONValue, keyword: String) throws {
        let error = try #require(throws: SluiceError.self) { try grammar(schema) }
        #expect(error.httpStatus == 400)
        #expect(error.message.contains("'\(keyword)'"), "\(error.message)")
        // Without strict the keyword is dropped: the grammar is looser, never wrong JSON.
        _ = try grammar(schema, strict: false)
    }

    @Test(
        arguments: [
            (["$ref": "#/$defs/missing"], "does not point into the schema"),
            (["$ref": "https://example.com/schema.json"], "does not point into the schema"),
            (["type": "decimal"], "is not a JSON Schema type"),
            (["enum": []], "non-empty array"),
            (["anyOf": []], "non-empty array"),
            (["type": "string", "maxLength": 1_000_000], "above 10000"),
            (["type": "array", "minItems": 3, "maxItems": 2], "below minItems"),
            (["type": "integer", "minimum": 5, "maximum": 4], "no integer lies within"),
            (["type": "integer", "maximum": .number("1e300")], "is not supported"),
            (false, "not a schema object"),
        ] as [(JSONValue, String)])
    func brokenSchemasAreRefusedEvenWhenNotStrict(schema: JSONValue, problem: String) throws {
        let error = try #require(throws: SluiceError.self) { try grammar(schema, strict: false) }
        #expect(error.httpStatus == 400)
        #expect(error.message.contains(problem), "\(error.message)")
    }

    @Test func deepNestingIsRefusedWithoutExhaustingTheStack() throws {
        var schema: JSONValue = ["type": "null"]
        for _ in 0..<500 { schema = ["type": "array", "items": schema] }
        let error = try #require(throws: SluiceError.self) { try grammar(schema) }
        #expect(error.message.contains("nested deeper than 64"))
    }

    @Test func schemasThatMultiplyWorkAreCutShort() throws {
        // Each level converts the next twice: 2^40 subschemas if nothing stopped it.
        var schema: JSONValue = ["type": "null"]
        for _ in 0..<40 { schema = ["type": ["object", "array"], "properties": ["x": schema], "items": schema] }
        let error = try #require(throws: SluiceError.self) { try grammar(schema, strict: false) }
        #expect(error.message.contains("too large"))
        let wide: JSONValue = ["anyOf": .array(Array(repeating: ["type": "null"], count: 20_000))]
        #expect(throws: SluiceError.self) { try grammar(wide) }
    }

    @Test func manyOptionalPropertiesGiveAGrammarLinearInSizeUpToALimit() throws {
        let properties = JSONObject((0..<1000).map { ("p\($0)", ["type": "null"] as JSONValue) })
        let text = try grammar(["type": "object", "properties": .object(properties), "additionalProperties": false])
        // About one rule and two mentions per optional member, not one per pair of members.
        #expect(text.utf8.count < 1000 * 150)
        // Beyond the limit, llama.cpp's recursive checks of the chain could run deep.
        let tooMany = JSONObject((0...1000).map { ("p\($0)", ["type": "null"] as JSONValue) })
        let error = try #require(throws: SluiceError.self) { try grammar(["type": "object", "properties": .object(tooMany)]) }
        #expect(error.message.contains("more than 1000 optional properties"))
    }
}
