internal import NIOCore
internal import SluiceConfig

/// The first handler of every client connection: it sees each byte the client sends and every
/// close, and enforces ``ConnectionDeadlines``.
///
/// It also ends connections the client has left: HTTP/1.1 clients do not half-close, so the end
/// of the client's input means it is gone, and closing the channel cancels the work done for it.
final class ConnectionGuardHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// What the HTTP handlers further in tell the guard, as outbound user events.
    enum RequestProgress {
        case headReceived
        case requestEnded
        case responseEnded
        /// HTTP/2 was negotiated: the streams keep their own deadlines from now on.
        case multiplexed
        /// An HTTP/2 stream opened or closed, sent from the stream's channel to its parent.
        case streamOpened
        case streamClosed
    }

    private var deadlines: ConnectionDeadlines<ContinuousClock.Instant>
    private let timer = DeadlineTimer()

    init(limits: ConnectionLimits) {
        deadlines = ConnectionDeadlines(limits: limits, openedAt: .now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        scheduleTimer(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.closed()
        timer.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Once the server has closed its side, what the client still sends is read and dropped.
        guard !deadlines.isLingering else { return }
        deadlines.bytesReceived(at: .now)
        scheduleTimer(context)
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headReceived: deadlines.headReceived(at: .now)
        case .requestEnded: deadlines.requestEnded(at: .now)
        case .responseEnded: deadlines.responseEnded(at: .now)
        case .multiplexed:
            deadlines.multiplexed(at: .now)
            timer.cancel()
        case .streamOpened:
            deadlines.streamOpened()
            timer.cancel()
        case .streamClosed: deadlines.streamClosed(at: .now)
        }
        scheduleTimer(context)
        promise?.succeed()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .output {
            deadlines.outputClosed(at: .now)
            scheduleTimer(context)
        }
        // What was written goes out before the close: HTTP/2's connection manager closes the
        // connection as its last stream ends, before that stream's final frames were flushed.
        context.flush()
        context.close(mode: mode, promise: promise)
    }

    /// Refuses the connection: a 503 and a close, for connections past the limit.
    func refuse(context: ChannelHandlerContext) {
        deadlines.outputClosed(at: .now)
        writeFinalResponse(Self.serviceUnavailable, context: context)
        scheduleTimer(context)
    }

    private func scheduleTimer(_ context: ChannelHandlerContext) {
        guard let deadline = deadlines.deadline else { return }
        timer.arm(for: deadline, on: context.eventLoop) { self.deadlineReached(context) }
    }

    private func deadlineReached(_ context: ChannelHandlerContext) {
        switch deadlines.expire(at: .now) {
        case nil: break
        case .header(partial: true): writeFinalResponse(Self.requestTimeout, context: context)
        case .header(partial: false), .idle, .linger: context.close(promise: nil)
        case .body:
            // The handler waiting for the body fails with this and answers 408 in its protocol's shape.
            context.fireErrorCaught(RequestBodyTimeout())
        }
        scheduleTimer(context)
    }

    /// A response written under the HTTP codec, for when there is no request to answer through it.
    private func writeFinalResponse(_ response: StaticString, context: ChannelHandlerContext) {
        let bytes = context.channel.allocator.buffer(staticString: response)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
        context.close(mode: .output, promise: nil)
    }

    private static let requestTimeout: StaticString =
        "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
    private static let serviceUnavailable: StaticString =
        "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n"
}

/// A request body paused longer than the body timeout.
struct RequestBodyTimeout: Error {}
