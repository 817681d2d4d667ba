internal import NIOCore
internal import NIOHTTPTypes

/// Tells the ``ConnectionGuardHandler`` where each request stands, from the decoded HTTP parts:
/// the guard sits before the HTTP codec and sees only bytes.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: context.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.headReceived, promise: nil)
        case .body: break
        case .end: context.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.requestEnded, promise: nil)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { context.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.responseEnded, promise: nil) }
    }
}
