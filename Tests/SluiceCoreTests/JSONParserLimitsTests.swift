import SluiceCore
import Testing

/// Hostile shapes: objects with many keys parse in linear time, and every cap answers with its number.
@Suite struct JSONParserLimitsTests {
    private func object(keys: Int, prefix: String = "k") -> String {
        "{" + (0..<keys).map { #""\#(prefix)\#($0)":0"# }.joined(separator: ",") + "}"
    }

    private func failure(_ text: String) throws -> JSONParseError {
        try #require(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// The best of five runs, to keep a busy machine from deciding the result.
    private func fastestParse(_ text: String) throws -> Duration {
        let bytes = Array(text.utf8)
        var fastest = Duration.seconds(3600)
        for _ in 0..<5 {
            fastest = min(fastest, try ContinuousClock().measure { _ = try JSONParser.parse(bytes) })
        }
        return fastest
    }

    @Test func manyKeysParseInLinearTime() throws {
        // A quadratic duplicate check makes one object of n keys many times slower than n objects
        // of one key each (13 times at 10,000 keys), though the texts are nearly the same size.
        let count = JSONParser.maximumKeysPerObject
        let oneObject = try fastestParse(object(keys: count))
        let manyObjects = try fastestParse("[" + (0..<count).map { #"{"k\#($0)":0}"# }.joined(separator: ",") + "]")
        #expect(oneObject < manyObjects * 3, "one object of \(count) keys took \(oneObject), \(count) objects \(manyObjects)")
    }

    @Test func objectsUpToTheKeyCapParseWithEveryKeyInOrder() throws {
        let count = JSONParser.maximumKeysPerObject
        let parsed = try #require(try JSONParser.parse(object(keys: count)).objectValue)
        #expect(parsed.count == count)
        #expect(parsed.keys.first == "k0" && parsed.keys.last == "k\(count - 1)")
        #expect(parsed["k\(count / 2)"] == 0)
    }

    @Test func oneKeyPastTheCapIsRefusedNamingTheCap() throws {
        let error = try failure(object(keys: JSONParser.maximumKeysPerObject + 1))
        #expect(error.reason == "an object has more than 10000 keys, the limit")
    }

    @Test func theKeyCapIsPerObject() throws {
        let half = JSONParser.maximumKeysPerObject / 2 + 1
        let text = #"{"a":\#(object(keys: half)),"b":\#(object(keys: half))}"#
        #expect(try JSONParser.parse(text)["b"]?.objectValue?.count == half)
    }

    @Test func aDuplicateKeyInALargeObjectIsRefusedAtTheKey() throws {
        let text = String(object(keys: 100).dropLast()) + #","k42":1}"#
        let error = try failure(text)
        #expect(error.reason == "duplicate key 'k42'")
        #expect(error.column == text.utf8.count - 7)
    }

    @Test func aDuplicateKeyWrittenWithAnEscapeIsStillADuplicate() throws {
        #expect(try failure(#"{"model":"a","mod\u0065l":"b"}"#).reason == "duplicate key 'model'")
        let large = String(object(keys: 50).dropLast()) + #","\u006b7":1}"#
        #expect(try failure(large).reason == "duplicate key 'k7'")
    }

    @Test func keysUpToTheLengthCapParseAndLongerAreRefused() throws {
        let longest = String(repeating: "k", count: JSONParser.maximumKeyLength)
        #expect(try JSONParser.parse(#"{"\#(longest)":1}"#)[longest] == 1)
        let error = try failure(#"{"\#(longest)k":1}"#)
        #expect(error.reason == "an object key is longer than 4096 bytes, the limit")
    }
}
