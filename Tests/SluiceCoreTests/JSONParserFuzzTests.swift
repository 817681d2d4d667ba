import SluiceCore
import SluiceTestSupport
import Testing

/// Seeded property tests: whatever the bytes, the parser answers with a value or a `JSONParseError`,
/// never a crash, and what it accepts survives a round trip.
@Suite struct JSONParserFuzzTests {
    @Test(arguments: 0..<4)
    func generatedValuesRoundTrip(seed: UInt64) throws {
        var fuzzer = JSONFuzzer(seed: seed)
        for _ in 0..<300 {
            let value = fuzzer.value()
            #expect(try JSONParser.parse(value.serialized()) == value)
        }
    }

    @Test(arguments: 0..<4)
    func mutatedTextParsesOrThrowsAndWhatParsesIsStable(seed: UInt64) {
        var fuzzer = JSONFuzzer(seed: seed)
        for _ in 0..<1500 {
            let text = fuzzer.mutate(fuzzer.value().serialized())
            guard let value = try? JSONParser.parse(text) else { continue }
            let again = try? JSONParser.parse(value.serialized())
            #expect(again == value, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func corpusInputsParseOrThrowWithAPosition() throws {
        let inputs = try FuzzCorpus.inputs("json")
        #expect(inputs.count > 10)
        for (name, bytes) in inputs {
            do {
                let value = try JSONParser.parse(bytes)
                #expect(try JSONParser.parse(value.serialized()) == value, "\(name)")
            } catch {
                #expect(error.line >= 1 && error.column >= 1, "\(name): \(error)")
            }
        }
    }
}
