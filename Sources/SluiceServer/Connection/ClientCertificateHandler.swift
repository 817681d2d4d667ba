internal import HTTPTypes
internal import NIOCore
internal import NIOHTTPTypes
internal import NIOSSL
internal import SluiceCrypto

/// Tells the routes which client certificate the connection presented, as the request header
/// `x-sluice-client-certificate` (its subject). A header of that name sent by the client is
/// removed first, so it can never be claimed without the certificate. On HTTP/2 it sits in each
/// stream, and the certificate is the connection's (the stream channel's parent).
final class ClientCertificateHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    static let headerName = HTTPField.Name("x-sluice-client-certificate")!

    /// The subject, looked up at the first request (after the handshake); `.some(nil)` for none.
    private var subject: String??
    /// Whether the handler is in an HTTP/2 stream, whose parent channel is the TLS connection.
    private let inStream: Bool

    init(inStream: Bool = false) {
        self.inStream = inStream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        request.headerFields[Self.headerName] = nil
        if subject == nil { subject = .some(peerSubject(context)) }
        if let subject = subject ?? nil { request.headerFields[Self.headerName] = subject }
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    private func peerSubject(_ context: ChannelHandlerContext) -> String? {
        guard let connection = inStream ? context.channel.parent : context.channel,
            let tls = try? connection.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
            let certificate = tls.peerCertificate, let der = try? certificate.toDERBytes()
        else { return nil }
        return CertificateSubject.distinguishedName(ofDER: der)
    }
}
