import SluiceCore
import SluiceTestSupport
import Testing

/// Hostile shapes: objects with many keys parse in linear time, and every cap answers with its number.
@Suite struct JSONParserLimitsTests {
    private func object(keys: Int, prefix: String = "k") -> String {
        "{" + (0..<keys).map { #""\#(prefix)\#($0)":0"# }.joined(separator: ",") + "}"
    }

    private func failure(_ text: String) throws -> JSONParseError {
        try #require(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func manyKeysParseInLinearTime() throws {
        // A quadratic duplicate check makes one object of n keys many times slower than n objects
        // of one key each (13 times at 10,000 keys), though the texts are nearly the same size.
        let count = JSONParser.maximumKeysPerObject
        let oneObject = Array(object(keys: count).utf8)
        let manyObjects = Array(("[" + (0..<count).map { #"{"k\#($0)":0}"# }.joined(separator: ",") + "]").utf8)
        let (oneTime, manyTime) = try LinearTime.compare(
            runs: 5, { _ = try JSONParser.parse(oneObject) }, with: { _ = try JSONParser.parse(manyObjects) })
        #expect(oneTime < manyTime * 3, "one object of \(count) keys took \(oneTime), \(count) objects \(manyTime)")
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
