public import SluiceCore

/// The seeded runs both fronts' decoder fuzz tests make, each calling `decodeOrRefuse` (which
/// asserts that a body decodes or is a client error) on every input that parses.
public enum DecoderFuzzing {
    /// Valid requests with one to three value mutations each.
    public static func mutatedValues(of requests: [JSONValue], seed: UInt64, rounds: Int = 600, _ decodeOrRefuse: (JSONValue) -> Void) {
        var fuzzer = JSONFuzzer(seed: seed)
        for _ in 0..<rounds {
            var body = requests.randomElement(using: &fuzzer.random)!
            for _ in 0..<Int.random(in: 1...3, using: &fuzzer.random) { body = fuzzer.mutate(body) }
            decodeOrRefuse(body)
        }
    }

    /// Valid requests' text with a byte mutation each; those that still parse are decoded.
    public static func mutatedTexts(of requests: [JSONValue], seed: UInt64, rounds: Int = 600, _ decodeOrRefuse: (JSONValue) -> Void) {
        var fuzzer = JSONFuzzer(seed: seed)
        for _ in 0..<rounds {
            let text = fuzzer.mutate(requests.randomElement(using: &fuzzer.random)!.serialized())
            guard let body = try? JSONParser.parse(text) else { continue }
            decodeOrRefuse(body)
        }
    }

    /// The corpus folder's inputs that parse; returns how many inputs the folder has.
    @discardableResult
    public static func corpus(_ folder: String, _ decodeOrRefuse: (JSONValue) -> Void) throws -> Int {
        let inputs = try FuzzCorpus.inputs(folder)
        for (_, bytes) in inputs {
            guard let body = try? JSONParser.parse(bytes) else { continue }
            decodeOrRefuse(body)
        }
        return inputs.count
    }
}
