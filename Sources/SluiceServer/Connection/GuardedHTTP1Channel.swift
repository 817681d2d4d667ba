internal import HummingbirdCore
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOHTTPTypes
internal import NIOHTTPTypesHTTP1
internal import SluiceConfig

/// Hummingbird's HTTP/1.1 server channel with Sluice's connection limits around it: deadlines
/// for slow and silent clients (``ConnectionGuardHandler``), a cap on open connections, and the
/// work of a request cancelled as soon as its client goes away.
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    /// One accepted connection: the HTTP channel, or none when it was refused for the cap.
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
        let http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>?
    }

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let openConnections: OpenConnections
    /// Whether the connection is inside TLS (requests then have the `https` scheme).
    var secure = false

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            guard try admit(channel: channel, logger: logger) else { return Connection(channel: channel, http: nil) }
            return Connection(channel: channel, http: try configureHTTP(channel: channel, logger: logger))
        }
    }

    /// Puts the connection under the ``ConnectionGuardHandler`` and counts it against the cap;
    /// `false` when the cap refused it (the guard answers 503 and closes).
    func admit(channel: any Channel, logger: Logger) throws -> Bool {
        let guardHandler = ConnectionGuardHandler(limits: limits)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(guardHandler)
        guard openConnections.open() else {
            logger.warning("connection refused: too many open connections", metadata: ["max_connections": "\(limits.maxConnections)"])
            let context = try pipeline.context(handler: guardHandler)
            guardHandler.refuse(context: context)
            return false
        }
        channel.closeFuture.whenComplete { [openConnections] _ in openConnections.close() }
        return true
    }

    /// The HTTP/1.1 handlers of an admitted connection.
    func configureHTTP(channel: any Channel, logger: Logger) throws -> NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart> {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: .init())
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: secure))
        try pipeline.addHandler(ClientCertificateHandler())
        try pipeline.addHandler(RequestProgressHandler())
        // Hummingbird's own handler, for graceful shutdown: idle connections close, busy ones after their response.
        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
        return try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
    }

    func handle(value connection: Connection, logger: Logger) async {
        guard let http = connection.http else {
            try? await connection.channel.closeFuture.get()
            return
        }
        await handle(http: http, logger: logger)
    }

    func handle(http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, logger: Logger) async {
        // The connection's requests run in a task of their own that the channel's close cancels:
        // a client that leaves stops the upstream call, the engine's decoding and any retry.
        let requests = Task { await handleHTTP(asyncChannel: http, logger: logger) }
        http.channel.closeFuture.whenComplete { _ in requests.cancel() }
        await withTaskCancellationHandler {
            await requests.value
        } onCancel: {
            requests.cancel()
        }
    }
}
