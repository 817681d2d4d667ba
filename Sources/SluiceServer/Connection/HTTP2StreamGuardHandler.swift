internal import NIOCore
internal import NIOHTTPTypes
internal import SluiceConfig

/// The deadlines of one HTTP/2 stream, as ``ConnectionGuardHandler`` keeps them for an HTTP/1.1
/// connection: a request body may not pause longer than `bodyTimeout` (the request is then
/// answered 408 in its protocol's shape). The stream exists once its headers arrived, so the
/// header timeout never applies. The stream tells its connection's ``ConnectionGuardHandler``
/// when it opens and closes, which closes a connection left without streams, and puts an
/// ``HTTP2ReplyEndJoiner`` under the stream's codec.
final class HTTP2StreamGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: ConnectionDeadlines<ContinuousClock.Instant>
    private let timer = DeadlineTimer()
    private var reportedOpen = false

    init(limits: ConnectionLimits) {
        deadlines = ConnectionDeadlines(limits: limits, openedAt: .now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The joiner works on frames, below Hummingbird's codec, where `additionalChannelHandlers`
        // cannot put it. Adding fails only on a stream already closed, which then writes nothing.
        try? context.pipeline.syncOperations.addHandler(HTTP2ReplyEndJoiner(), position: .first)
        reportedOpen = true
        context.channel.parent?.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.streamOpened, promise: nil)
        scheduleTimer(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
        reportClosed(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.closed()
        timer.cancel()
        reportClosed(context)
        context.fireChannelInactive()
    }

    private func reportClosed(_ context: ChannelHandlerContext) {
        guard reportedOpen else { return }
        reportedOpen = false
        context.channel.parent?.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.streamClosed, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.headReceived(at: .now)
        case .body: deadlines.bytesReceived(at: .now)
        case .end: deadlines.requestEnded(at: .now)
        }
        scheduleTimer(context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd {
            deadlines.responseEnded(at: .now)
            scheduleTimer(context)
        }
    }

    private func scheduleTimer(_ context: ChannelHandlerContext) {
        guard let deadline = deadlines.deadline else {
            timer.cancel()
            return
        }
        timer.arm(for: deadline, on: context.eventLoop) { self.deadlineReached(context) }
    }

    private func deadlineReached(_ context: ChannelHandlerContext) {
        switch deadlines.expire(at: .now) {
        case nil: break
        // The handler waiting for the body fails with this and answers 408 in its protocol's shape.
        case .body: context.fireErrorCaught(RequestBodyTimeout())
        case .header, .idle, .linger: context.close(promise: nil)
        }
        scheduleTimer(context)
    }
}
