internal import CLlama
internal import SluiceCore

/// Reads reasoning and tool calls out of one response's generated text as it streams, with the
/// parser the chat template came with (llama.cpp's `common_chat_parse`, partial while streaming).
///
/// Owned by one response stream, whose consumer calls it one pull at a time; freed in `deinit`.
final class ChatOutputParser {
    private let pointer: OpaquePointer

    init(parameters: JSONValue) throws(LlamaError) {
        pointer = try shimCall(LlamaError.parserFailed) { sluice_chat_parser_new(parameters.serializedString(), $0) }
    }

    deinit {
        sluice_chat_parser_free(pointer)
    }

    /// Adds generated text; returns what became certain. `isFinal` parses the whole output as complete.
    func feed(_ text: String, isFinal: Bool) throws(LlamaError) -> [OutputDelta] {
        var text = text
        let output = try shimCall(LlamaError.parserFailed) { error in
            text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    sluice_chat_parser_feed(pointer, characters.baseAddress, characters.count, isFinal, error)
                }
            }
        }
        let json = takeShimString(output)
        guard let value = try? JSONParser.parse(json) else { throw .parserFailed("the shim answered malformed JSON") }
        return OutputDelta.decode(value)
    }
}
