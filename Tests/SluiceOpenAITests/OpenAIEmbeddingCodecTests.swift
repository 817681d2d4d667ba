import Foundation
import SluiceCore
import SluiceOpenAI
import Testing

/// `/v1/embeddings` both ways: the four input shapes and their errors, the answer in float and
/// base64, and an upstream's answer read back.
@Suite struct OpenAIEmbeddingCodecTests {
    private func decode(_ text: String) throws(SluiceError) -> (request: EmbeddingRequest, format: OpenAIEmbeddingFormat) {
        try OpenAIEmbeddingRequestDecoder.decode(json(text))
    }

    private func refusal(_ text: String) -> SluiceError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func decodesEveryInputShape() throws {
        #expect(try decode(#"{"model":"m","input":"hello"}"#).request.inputs == [.text("hello")])
        #expect(try decode(#"{"model":"m","input":["a","b"]}"#).request.inputs == [.text("a"), .text("b")])
        #expect(try decode(#"{"model":"m","input":[1,2,3]}"#).request.inputs == [.tokens([1, 2, 3])])
        #expect(try decode(#"{"model":"m","input":[[1,2],[3]]}"#).request.inputs == [.tokens([1, 2]), .tokens([3])])
    }

    @Test func decodesOptionsAndDefaultsToFloat() throws {
        let plain = try decode(#"{"model":"m","input":"x"}"#)
        #expect(plain.format == .float)
        #expect(plain.request.dimensions == nil)
        let full = try decode(#"{"model":"m","input":"x","encoding_format":"base64","dimensions":256,"user":"u-1"}"#)
        #expect(full.format == .base64)
        #expect(full.request == EmbeddingRequest(model: "m", inputs: [.text("x")], dimensions: 256, user: "u-1"))
    }

    @Test(arguments: [
        (#"{"model":"m"}"#, "input: field required"),
        (#"{"model":"m","input":""}"#, "input: must not be empty"),
        (#"{"model":"m","input":[]}"#, "input: must not be empty"),
        (#"{"model":"m","input":["a",""]}"#, "input[1]: must not be empty"),
        (#"{"model":"m","input":[[]]}"#, "input[0]: must not be empty"),
        (#"{"model":"m","input":["a",[1]]}"#, "input[1]: expected a string"),
        (#"{"model":"m","input":[[1],"a"]}"#, "input[1]: expected an array of token IDs"),
        (#"{"model":"m","input":[1,"a"]}"#, "input[1]: expected an integer"),
        (#"{"model":"m","input":[-1]}"#, "input[0]: must be at least 0"),
        (#"{"model":"m","input":[1.5]}"#, "input[0]: expected an integer"),
        (#"{"model":"m","input":{"text":"a"}}"#, "input: expected a string, an array of strings"),
        (#"{"model":"m","input":"a","encoding_format":"int8"}"#, "encoding_format: must be 'float' or 'base64'"),
        (#"{"model":"m","input":"a","dimensions":0}"#, "dimensions: must be at least 1"),
        (#"{"input":"a"}"#, "model: field required"),
        ("[1]", "body: expected an object"),
    ])
    func refusesMalformedRequestsNamingTheField(body: String, message: String) throws {
        let error = try #require(refusal(body))
        #expect(error.httpStatus == 400)
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func refusesMoreInputsThanOpenAIAllows() throws {
        let inputs = Array(repeating: #""x""#, count: OpenAIEmbeddingRequestDecoder.maxInputs + 1).joined(separator: ",")
        let error = try #require(refusal(#"{"model":"m","input":[\#(inputs)]}"#))
        #expect(error.message == "input: at most 2048 inputs are allowed, got 2049")
    }

    @Test func encodesFloatsInOpenAIsShape() {
        let result = EmbeddingResult(model: "emb", vectors: [[0.5, -0.25], [1, 0.1]], inputTokens: 7)
        let body = OpenAIEmbeddingResponseEncoder.encode(result, format: .float)
        #expect(
            body.serializedString()
                == #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]},"#
                + #"{"object":"embedding","index":1,"embedding":[1.0,0.1]}],"model":"emb","usage":{"prompt_tokens":7,"total_tokens":7}}"#
        )
    }

    @Test func encodesBase64AsLittleEndianFloat32() throws {
        let vector: [Float] = [1, -2.5, 0.1]
        let body = OpenAIEmbeddingResponseEncoder.encode(EmbeddingResult(model: "emb", vectors: [vector], inputTokens: 1), format: .base64)
        let text = try #require(body["data"]?.arrayValue?.first?["embedding"]?.stringValue)
        let bytes = try #require(Data(base64Encoded: text))
        #expect(Array(bytes.prefix(4)) == [0x00, 0x00, 0x80, 0x3F])  // 1.0f, little-endian
        let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
        #expect(decoded == vector)
    }

    @Test func upstreamRequestAsksForFloatsAndCarriesTheOptions() {
        let request = EmbeddingRequest(model: "up", inputs: [.tokens([5, 6])], dimensions: 8, user: "u")
        #expect(
            OpenAIEmbeddingRequestEncoder.encode(request).serializedString()
                == #"{"model":"up","input":[[5,6]],"encoding_format":"float","dimensions":8,"user":"u"}"#)
    }

    @Test func upstreamAnswerIsPutInInputOrder() throws {
        let body = json(
            #"{"data":[{"index":1,"embedding":[3,4]},{"index":0,"embedding":[1e-3,2]}],"model":"real","usage":{"prompt_tokens":9}}"#)
        let result = try OpenAIEmbeddingResponseDecoder.decode(body, inputCount: 2, model: "asked")
        #expect(result == EmbeddingResult(model: "real", vectors: [[0.001, 2], [3, 4]], inputTokens: 9))
    }

    @Test(arguments: [
        #"{"data":[{"index":0,"embedding":[1]}]}"#,
        #"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]}"#,
        #"{"data":[{"index":0,"embedding":[1]},{"index":2,"embedding":[2]}]}"#,
        #"{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":["x"]}]}"#,
        #"{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1e99]}]}"#,
        #"{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":"AACAPw=="}]}"#,
        #"{"object":"list"}"#,
    ])
    func upstreamAnswerWithoutOneFiniteVectorPerInputIsAnUpstreamFailure(body: String) throws {
        #expect {
            _ = try OpenAIEmbeddingResponseDecoder.decode(json(body), inputCount: 2, model: "m")
        } throws: { error in
            (error as? SluiceError)?.httpStatus == 502
        }
    }
}
