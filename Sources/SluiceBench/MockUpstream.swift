internal import Hummingbird
internal import NIOCore

/// An OpenAI-compatible upstream that answers at once with a fixed completion, streamed or not,
/// so the benchmark measures the path through Sluice and not a model; model `slow` streams for a
/// while instead, for the memory held by many open streams.
enum MockUpstream {
    static let completion =
        #"{"id":"chatcmpl-bench","object":"chat.completion","created":1735689600,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}"#

    /// Sixteen content chunks, a finish chunk, a usage chunk and `[DONE]`.
    static let stream: String = {
        var frames = ""
        func chunk(_ delta: String, finish: String = "null") -> String {
            #"data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1735689600,"model":"bench","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#
                + "\n\n"
        }
        frames += chunk(#"{"role":"assistant","content":""}"#)
        for index in 0..<16 { frames += chunk(#"{"content":"token\#(index) "}"#) }
        frames += chunk("{}", finish: #""stop""#)
        frames +=
            #"data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1735689600,"model":"bench","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28}}"#
            + "\n\n"
        frames += "data: [DONE]\n\n"
        return frames
    }()

    /// How long a request for model `slow` keeps streaming.
    static let slowStreamDuration: Duration = .seconds(8)

    static func makeApplication(port: Int) -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let text = String(buffer: body)
            let wantsStream = text.contains(#""stream":true"#)
            if text.contains(#""model":"slow""#) {
                // One content chunk every 100 ms for `slowStreamDuration`: a stream that stays open.
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody { writer in
                        let frames = stream.split(separator: "\n\n").map { ByteBuffer(string: $0 + "\n\n") }
                        try await writer.write(frames[0])
                        let started = ContinuousClock.now
                        while ContinuousClock.now - started < slowStreamDuration {
                            try await Task.sleep(for: .milliseconds(100))
                            try await writer.write(frames[1])
                        }
                        for frame in frames.dropFirst(frames.count - 3) { try await writer.write(frame) }
                        try await writer.finish(nil)
                    })
            }
            if wantsStream {
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: stream)))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: completion)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-upstream"))
    }
}
