import SluiceCore
import Testing

@Suite struct JSONParserTests {
    /// The error parsing `text` throws; fails the test when it parses.
    private func failure(_ text: String) throws -> JSONParseError {
        try #require(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    private func failure(_ bytes: [UInt8]) throws -> JSONParseError {
        try #require(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    // MARK: Round trips

    @Test func roundTripKeepsKeyOrderAndNumberText() throws {
        let text = #"{"b":1,"a":{"z":[1,2.5e3,-0.0,true,null],"y":"\u00e9\ud83d\ude00\n"}}"#
        let value = try JSONParser.parse(text)

        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["a"]?.objectValue?.keys == ["z", "y"])
        #expect(value["a"]?["z"] == .array([.number("1"), .number("2.5e3"), .number("-0.0"), .bool(true), .null]))
        #expect(value["a"]?["y"] == .string("é😀\n"))
        // Escapes are normalised (é and 😀 travel as UTF-8), everything else is byte for byte.
        #expect(value.serializedString() == #"{"b":1,"a":{"z":[1,2.5e3,-0.0,true,null],"y":"é😀\n"}}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test func reverseAlphabeticalKeysAreNotSorted() throws {
        let text = #"{"zeta":{"omega":1,"alpha":2},"mid":[],"alpha":{},"":""}"#
        #expect(try JSONParser.parse(text).serializedString() == text)
    }

    @Test func whitespaceIsDroppedOnSerialisation() throws {
        let text = " {\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } }\n "
        #expect(try JSONParser.parse(text).serializedString() == #"{"a":[1,2],"b":{}}"#)
    }

    @Test func numbersKeepTheirLiteralText() throws {
        let text = "[0,-0,1.0,1e400,1E+2,1e-7,12345678901234567890123,0.1000,-12.5e-3]"
        let value = try JSONParser.parse(text)
        #expect(value.arrayValue?[3] == .number("1e400"))
        #expect(value.arrayValue?[6] == .number("12345678901234567890123"))
        #expect(value.serializedString() == text)
    }

    @Test(arguments: ["01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "NaN", "Infinity"])
    func malformedNumbersAreRejected(_ text: String) throws {
        _ = try failure(text)
    }

    @Test func scalarsParseAtTopLevel() throws {
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse(" null ") == .null)
        #expect(try JSONParser.parse(#""x""#) == .string("x"))
        #expect(try JSONParser.parse("-3") == .number("-3"))
    }

    // MARK: Strings and escapes

    @Test func escapesDecode() throws {
        let value = try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀"))
    }

    @Test func surrogatePairBecomesOneScalar() throws {
        let value = try JSONParser.parse(#""\uD83D\uDE00""#)
        let text = try #require(value.stringValue)
        #expect(Array(text.unicodeScalars) == ["\u{1F600}"])
        #expect(Array(text.utf8) == [0xF0, 0x9F, 0x98, 0x80])
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONParser.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""a\ud83dz""#) == .string("a\u{FFFD}z"))
    }

    @Test func stringsReencodeToValidJSON() throws {
        let original = JSONValue.string("\"quoted\" \\ back/slash\n\r\t\u{00}\u{01}\u{08}\u{0C}\u{1F}\u{7F} é 😀")
        let text = original.serializedString()
        #expect(text == #""\"quoted\" \\ back/slash\n\r\t\u0000\u0001\u0008\u000c\u001f"# + "\u{7F} é 😀\"")
        #expect(try JSONParser.parse(text) == original)
    }

    @Test func keysAreEscapedLikeValues() throws {
        let value: JSONValue = ["a\"b\n": "c"]
        #expect(value.serializedString() == #"{"a\"b\n":"c"}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test func rawControlCharactersInStringsAreRejected() throws {
        #expect(try failure("\"a\u{01}b\"").reason == "control character in a string")
        #expect(try failure("\"line\nbreak\"").reason == "control character in a string")
        #expect(try failure("\"tab\there\"").reason == "control character in a string")
        // After an escape the parser is on its slow path; the rule holds there too.
        #expect(try failure("\"\\n\u{1F}\"").reason == "control character in a string")
    }

    @Test func invalidUTF8IsRejected() throws {
        let quote = UInt8(ascii: "\"")
        #expect(try failure([quote, 0xC3, 0x28, quote]).reason == "invalid UTF-8 in a string")
        // Overlong encoding of "/" and a lone continuation byte.
        #expect(try failure([quote, 0xC0, 0xAF, quote]).reason == "invalid UTF-8 in a string")
        #expect(try failure([quote, 0x80, quote]).reason == "invalid UTF-8 in a string")
        // Truncated four-byte sequence, on the slow path after an escape.
        #expect(try failure([quote, UInt8(ascii: "\\"), UInt8(ascii: "n"), 0xF0, 0x9F, 0x98, quote]).reason == "invalid UTF-8 in a string")
        // Outside a string a stray byte is an unexpected character.
        #expect(try failure([0xFF]).reason == "unexpected character byte 0xff")
    }

    @Test func badEscapesAreRejected() throws {
        #expect(try failure(#""\x""#).reason == "invalid escape sequence")
        #expect(try failure(#""\u12G4""#).reason == #"invalid \u escape"#)
        #expect(try failure(#""\u12""#).reason == #"truncated \u escape"#)
        #expect(try failure(#""abc"#).reason == "unterminated string")
        #expect(try failure(#""abc\"#).reason == "unexpected end of input in a string")
    }

    // MARK: Errors

    @Test func errorNamesLineAndColumn() throws {
        let error = try failure(#"{"a": tru}"#)
        #expect(error.reason == "invalid literal")
        #expect(error.line == 1)
        #expect(error.column == 7)
        #expect(error.description == "invalid literal at line 1, column 7")
        #expect(error.description.contains("line 1"))
    }

    @Test func errorLineCountsNewlines() throws {
        let error = try failure("{\n  \"a\": 1,\n  \"b\": x\n}")
        #expect(error.reason == "unexpected character 'x'")
        #expect(error.line == 3)
        #expect(error.column == 8)
    }

    @Test func trailingGarbageIsRejected() throws {
        let error = try failure(#"{"a":1} x"#)
        #expect(error.reason == "unexpected data after the JSON value")
        #expect(error.column == 9)
        #expect(try failure("[1]]").reason == "unexpected data after the JSON value")
        #expect(try failure("1 2").reason == "unexpected data after the JSON value")
        #expect(try JSONParser.parse("[1] \n\t ") == [1])
    }

    @Test func structuralMistakesAreRejected() throws {
        #expect(try failure("").reason == "unexpected end of input")
        #expect(try failure("   ").reason == "unexpected end of input")
        #expect(try failure("[1,]").reason == "unexpected character ']'")
        #expect(try failure("[1 2]").reason == "expected ',' or ']' in an array")
        #expect(try failure(#"{"a":1,}"#).reason == "expected a string key")
        #expect(try failure(#"{a:1}"#).reason == "expected a string key")
        #expect(try failure(#"{"a" 1}"#).reason == "expected ':' after an object key")
        #expect(try failure(#"{"a":1 "b":2}"#).reason == "expected ',' or '}' in an object")
        #expect(try failure("[").reason == "unexpected end of input")
        #expect(try failure("nul").reason == "unexpected end of input")
        #expect(try failure("nulL").reason == "invalid literal")
        #expect(try failure("\u{FEFF}{}").reason == "unexpected character byte 0xef")
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = JSONParser.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONParser.parse(text).serializedString() == text)
    }

    @Test func nestingOneBeyondTheLimitIsRejected() throws {
        let depth = JSONParser.maximumDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try failure(text).reason == "nesting deeper than 512 levels")
    }

    @Test func hostileNestingThrowsInsteadOfCrashing() throws {
        let arrays = try failure(String(repeating: "[", count: 100_000))
        #expect(arrays.reason == "nesting deeper than 512 levels")
        #expect(arrays.line == 1)
        #expect(arrays.column == 513)
        let objects = try failure(String(repeating: #"{"a":"#, count: 100_000))
        #expect(objects.reason == "nesting deeper than 512 levels")
    }
}

extension JSONParserTests {
    @Test func aLoneHighSurrogateIsReplacedWithoutSwallowingTheNextCharacter() throws {
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
    }

    @Test func duplicateKeysAreRefusedNamingTheKey() throws {
        let error = try failure(#"{"model":"a","messages":[],"model":"b"}"#)
        #expect(error.reason == "duplicate key 'model'")
        #expect(error.column == 28)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.double(-.infinity).serializedString() == "null")
    }
}
