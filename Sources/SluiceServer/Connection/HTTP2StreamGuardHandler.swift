internal import NIOCore
internal import NIOHTTPTypes
internal import SluiceConfig

/// The deadlines of one HTTP/2 stream, as ``ConnectionGuardHandler`` keeps them for an HTTP/1.1
/// connection: a request body may not pause longer than `bodyTimeout` (the request is then
/// answered 408 in its protocol's shape). The stream exists once its headers arrived, so the
/// header timeout never applies; the connection's silence is left to the HTTP/2 connection
/// manager's idle timeout.
final class HTTP2StreamGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: ConnectionDeadlines<ContinuousClock.Instant>
    private var timer: Scheduled<Void>?
    private var timerDeadline: ContinuousClock.Instant?

    init(limits: ConnectionLimits) {
        deadlines = ConnectionDeadlines(limits: limits, openedAt: .now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        scheduleTimer(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.closed()
        cancelTimer()
        context.fireChannelInactive()
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

    /// One timer for the current deadline; as in ``ConnectionGuardHandler``, a deadline that moves
    /// later (body arriving) leaves it alone, and when it fires early it is set again.
    private func scheduleTimer(_ context: ChannelHandlerContext) {
        guard let deadline = deadlines.deadline else {
            cancelTimer()
            return
        }
        if timer != nil {
            guard let timerDeadline, deadline < timerDeadline else { return }
            cancelTimer()
        }
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(deadline - .now)) {
            self.timer = nil
            self.timerDeadline = nil
            self.deadlineReached(context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
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
