internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import SluiceCore
internal import SluiceStore

/// What every API handler shares: reading bodies, checking a key's model rights, dispatching.
struct Gateway: Sendable {
    let dispatcher: Dispatcher
    let bodyLimit: Int
    /// How often an idle stream gets a keep-alive.
    let keepAliveInterval: Duration

    /// The request body as JSON; 413 past the limit, 400 naming the problem when malformed.
    func readJSON(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: bodyLimit)
        guard buffer.readableBytes > 0 else { throw SluiceError.invalidRequest("request body is empty; expected a JSON object") }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SluiceError.invalidRequest("malformed JSON in request body: \(error.description)")
        }
    }

    /// Refuses (403) a model the calling key may not use.
    func authorize(_ chatRequest: ChatRequest, context: SluiceRequestContext) throws {
        guard let caller = context.caller else { throw SluiceError(.authentication, "missing API key") }
        guard caller.allows(model: chatRequest.model) else {
            throw SluiceError(.permission, "this key may not use model '\(chatRequest.model)'")
        }
    }

    /// Starts the request on a backend and notes which one answers.
    func start(_ chatRequest: ChatRequest, context: SluiceRequestContext) async throws -> Dispatcher.Dispatch {
        try authorize(chatRequest, context: context)
        let dispatch = try await dispatcher.start(chatRequest)
        context.record.backend = dispatch.backendName
        return dispatch
    }

    /// Runs a request to completion, for clients that did not ask for a stream.
    func complete(_ chatRequest: ChatRequest, context: SluiceRequestContext) async throws -> ChatResponse {
        let dispatch = try await start(chatRequest, context: context)
        var accumulator = ResponseAccumulator()
        for try await event in dispatch.events {
            try accumulator.consume(event)
        }
        return try accumulator.response()
    }

    func countTokens(_ chatRequest: ChatRequest, context: SluiceRequestContext) async throws -> Int {
        try authorize(chatRequest, context: context)
        return try await dispatcher.countTokens(chatRequest)
    }

    func streamResponse<Encoder: StreamEncoding>(
        _ dispatch: Dispatcher.Dispatch, encoder: Encoder, context: SluiceRequestContext
    ) -> Response {
        EventStreamResponse(events: dispatch.events, encoder: encoder, keepAliveInterval: keepAliveInterval, logger: context.logger)
            .response(headers: [.sluiceBackend: dispatch.backendName])
    }

    static func jsonResponse(_ value: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}
