internal import HummingbirdCore
internal import HummingbirdHTTP2
internal import Logging
internal import NIOCore
internal import NIOHTTPTypes
internal import NIOSSL
internal import NIOTLS
internal import SluiceConfig

/// Sluice's listener behind TLS: HTTP/2 or HTTP/1.1, as the client chooses by ALPN, with the
/// context ``ListenerCertificates`` holds when the connection opens (Hummingbird's own TLS
/// channels fix their context at start-up, so a renewed certificate would need a restart).
///
/// Both protocols pass the same admission first: the connection cap, and the header timeout
/// bounding the handshake. HTTP/1.1 is then ``GuardedHTTP1Channel``; HTTP/2 is Hummingbird's
/// `HTTP2Channel` (swift-nio-http2's limits on concurrent streams, resets and headers; its
/// connection manager closing connections idle for `idleTimeout` and answering shutdown with
/// GOAWAY), each stream with the client certificate, its own body deadline and its work
/// cancelled when the stream closes.
struct TLSListenerChannel: ServerChildChannel, HTTPChannelHandler {
    enum NegotiatedProtocol: Sendable {
        case http1(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case http2(HTTP2Channel.Value)
    }

    struct Connection: ServerChildChannelValue {
        let channel: any Channel
        /// The protocol settled by the handshake; `nil` for a connection refused for the cap.
        let negotiated: EventLoopFuture<NegotiatedProtocol>?
    }

    let http1: GuardedHTTP1Channel
    let http2: HTTP2Channel
    let certificates: ListenerCertificates

    var responder: HTTPChannelHandler.Responder { http1.responder }

    /// - Parameter shutdownGrace: how long streams in flight may run on once shutdown began.
    init(http1: GuardedHTTP1Channel, certificates: ListenerCertificates, shutdownGrace: Duration) {
        self.http1 = http1
        self.certificates = certificates
        let limits = http1.limits
        http2 = HTTP2Channel(
            responder: HTTP2StreamResponder.cancellingOnStreamClose(http1.responder),
            configuration: .init(
                idleTimeout: limits.idleTimeout,
                // After the final GOAWAY, streams still open are cut at the grace period's end.
                gracefulCloseTimeout: shutdownGrace,
                streamConfiguration: .init(additionalChannelHandlers: [
                    ClientCertificateHandler(inStream: true), HTTP2StreamGuardHandler(limits: limits),
                ])))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: certificates.context))
            guard try http1.admit(channel: channel, logger: logger) else { return Connection(channel: channel, negotiated: nil) }
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<NegotiatedProtocol> { result, channel in
                // The listener offers only h2 and http/1.1; a client that named neither gets HTTP/1.1.
                guard case .negotiated("h2") = result else {
                    return channel.eventLoop.makeCompletedFuture {
                        NegotiatedProtocol.http1(try http1.configureHTTP(channel: channel, logger: logger))
                    }
                }
                channel.triggerUserOutboundEvent(ConnectionGuardHandler.RequestProgress.multiplexed, promise: nil)
                return http2.setup(channel: channel, logger: logger).map { NegotiatedProtocol.http2($0) }
            }
            try channel.pipeline.syncOperations.addHandler(negotiation)
            return Connection(channel: channel, negotiated: negotiation.protocolNegotiationResult)
        }
    }

    func handle(value connection: Connection, logger: Logger) async {
        guard let negotiated = connection.negotiated else {
            try? await connection.channel.closeFuture.get()
            return
        }
        let settled: NegotiatedProtocol
        do {
            settled = try await negotiated.get()
        } catch {
            // The handshake failed or the client left during it; NIOSSL has closed the connection.
            logger.debug("TLS connection closed before its protocol was settled", metadata: ["error": "\(error)"])
            return
        }
        switch settled {
        case .http1(let http): await http1.handle(http: http, logger: logger)
        case .http2(let connection): await http2.handle(value: connection, logger: logger)
        }
    }
}
