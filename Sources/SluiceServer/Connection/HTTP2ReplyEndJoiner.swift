internal import NIOCore
internal import NIOHTTP2

/// Sends a reply's last DATA frame with END_STREAM set, instead of that frame and then an empty
/// one carrying END_STREAM alone, which is how the HTTP/2 codec writes a body and its end.
///
/// curl resets a stream (RST_STREAM, STREAM_CLOSED) whose body reached its `content-length`
/// before END_STREAM came, and swift-nio-http2 ends a connection that sent 200 resets in 30 s with
/// GOAWAY ENHANCE_YOUR_CALM, failing the requests in flight on it. A DATA frame is held only
/// until the next write or flush, so a stream's events are never delayed.
final class HTTP2ReplyEndJoiner: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var held: (data: HTTP2Frame.FramePayload.Data, promise: EventLoopPromise<Void>?)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = unwrapOutboundIn(data)
        guard case .data(let frame) = payload else {
            release(context)
            context.write(data, promise: promise)
            return
        }
        if frame.endStream, frame.data.readableBytes == 0, var joined = held {
            held = nil
            joined.data.endStream = true
            if let promise { joined.promise?.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(.data(joined.data)), promise: joined.promise ?? promise)
            return
        }
        release(context)
        if frame.endStream {
            context.write(data, promise: promise)
        } else {
            held = (frame, promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        release(context)
        context.flush()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        release(context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        held?.promise?.fail(ChannelError.ioOnClosedChannel)
        held = nil
    }

    private func release(_ context: ChannelHandlerContext) {
        guard let pending = held else { return }
        held = nil
        context.write(wrapOutboundOut(.data(pending.data)), promise: pending.promise)
    }
}
