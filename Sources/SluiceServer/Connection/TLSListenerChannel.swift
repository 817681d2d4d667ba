internal import HummingbirdCore
internal import Logging
internal import NIOCore
internal import NIOSSL

/// ``GuardedHTTP1Channel`` behind TLS, with the context ``ListenerCertificates`` holds when the
/// connection opens (Hummingbird's own TLS channel fixes its context at start-up, so a renewed
/// certificate would need a restart).
struct TLSListenerChannel: ServerChildChannel, HTTPChannelHandler {
    let base: GuardedHTTP1Channel
    let certificates: ListenerCertificates

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<GuardedHTTP1Channel.Connection> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: certificates.context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: GuardedHTTP1Channel.Connection, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
