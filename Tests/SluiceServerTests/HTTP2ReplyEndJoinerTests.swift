import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import SluiceServer

@Suite struct HTTP2ReplyEndJoinerTests {
    let channel = EmbeddedChannel(handler: HTTP2ReplyEndJoiner())

    func data(_ text: String, end: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(string: text)), endStream: end))
    }

    /// What reached the wire, as (kind, text, END_STREAM) per frame.
    func written() throws -> [String] {
        var frames: [String] = []
        while let payload = try channel.readOutbound(as: HTTP2Frame.FramePayload.self) {
            switch payload {
            case .headers(let headers): frames.append("headers end=\(headers.endStream)")
            case .data(let data):
                guard case .byteBuffer(let bytes) = data.data else { throw ChannelError.operationUnsupported }
                frames.append("data \"\(String(buffer: bytes))\" end=\(data.endStream)")
            default: frames.append("other")
            }
        }
        return frames
    }

    @Test func aReplyWrittenInOneFlushEndsWithItsLastDataFrame() throws {
        let bodyWritten = channel.eventLoop.makePromise(of: Void.self)
        let endWritten = channel.eventLoop.makePromise(of: Void.self)
        channel.write(HTTP2Frame.FramePayload.headers(.init(headers: [":status": "200"])), promise: nil)
        channel.write(data("{\"ok\":true}"), promise: bodyWritten)
        channel.write(data("", end: true), promise: endWritten)
        channel.flush()
        #expect(try written() == ["headers end=false", "data \"{\"ok\":true}\" end=true"])
        #expect(try bodyWritten.futureResult.wait() == ())
        #expect(try endWritten.futureResult.wait() == ())
    }

    @Test func aStreamedEventGoesOutAtItsFlushAndTheEndStaysEmpty() throws {
        channel.write(data("event one"), promise: nil)
        channel.flush()
        #expect(try written() == ["data \"event one\" end=false"])
        channel.write(data("", end: true), promise: nil)
        channel.flush()
        #expect(try written() == ["data \"\" end=true"])
    }

    @Test func consecutiveChunksKeepTheirOrderAndTrailersEndTheStream() throws {
        channel.write(data("a"), promise: nil)
        channel.write(data("b"), promise: nil)
        channel.write(HTTP2Frame.FramePayload.headers(.init(headers: ["x-trailer": "1"], endStream: true)), promise: nil)
        channel.flush()
        #expect(try written() == ["data \"a\" end=false", "data \"b\" end=false", "headers end=true"])
    }

    @Test func aFrameHeldAtTheStreamsCloseGoesWhereUnflushedWritesGo() throws {
        let bare = EmbeddedChannel()
        var outcomes: [Result<Void, any Error>?] = [nil, nil]
        for (index, channel) in [channel, bare].enumerated() {
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { outcomes[index] = $0 }
            channel.write(data("never flushed"), promise: written)
            channel.close(promise: nil)
            channel.embeddedEventLoop.run()
        }
        #expect("\(String(describing: outcomes[0]))" == "\(String(describing: outcomes[1]))")
    }
}
