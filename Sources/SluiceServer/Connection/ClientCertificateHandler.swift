internal import HTTPTypes
internal import NIOCore
internal import NIOHTTPTypes
internal import NIOSSL
internal import SluiceCrypto

/// Tells the routes which client certificate the connection presented, as the request header
/// `x-sluice-client-certificate` (its subject). A header of that name sent by the client is
/// removed first, so it can never be claimed without the certificate.
final class ClientCertificateHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    static let headerName = HTTPField.Name("x-sluice-client-certificate")!

    /// The subject, looked up at the first request (after the handshake); `.some(nil)` for none.
    private var subject: String??

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        request.headerFields[Self.headerName] = nil
        if subject == nil { subject = .some(Self.peerSubject(context)) }
        if let subject = subject ?? nil { request.headerFields[Self.headerName] = subject }
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    private static func peerSubject(_ context: ChannelHandlerContext) -> String? {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
            let certificate = tls.peerCertificate, let der = try? certificate.toDERBytes()
        else { return nil }
        return CertificateSubject.distinguishedName(ofDER: der)
    }
}
