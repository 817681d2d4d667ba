internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import SluiceCore
internal import SluiceOpenAI
internal import SluiceStore

/// The OpenAI Responses API: `POST /v1/responses` (streaming or not) on any backend, and the
/// stored responses behind `GET` and `DELETE /v1/responses/{id}` and `previous_response_id`.
///
/// A stored response is visible only to the key that made it: to any other key it does not
/// exist (404), so ids cannot be probed across keys.
struct ResponsesRoutes {
    let gateway: Gateway
    let store: any GatewayStore
    /// How long `store: true` responses are kept.
    let retention: Duration

    func register(on group: RouterGroup<SluiceRequestContext>) {
        group.post("responses") { request, context in try await create(request, context: context) }
        group.get("responses/:id") { _, context in try await retrieve(context: context) }
        group.delete("responses/:id") { _, context in try await delete(context: context) }
    }

    private func create(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        context.record.api = .openai
        let body = try await gateway.readJSON(request)
        var history: [JSONValue] = []
        if let previousID = try ResponsesRequestDecoder.previousResponseID(in: body) {
            history = try await conversation(continuing: previousID, context: context)
        }
        let responsesRequest = try ResponsesRequestDecoder.decode(body, history: history)
        let createdAt = Date()
        let envelope = responsesRequest.envelope(id: ResponsesEnvelope.responseID(), createdAt: Int(createdAt.timeIntervalSince1970))
        var onAnswer: (@Sendable (ChatResponse) async -> Void)?
        if responsesRequest.store, let keyID = context.caller?.id {
            let inputItems = JSONValue.array(history + responsesRequest.inputItems).serializedString()
            onAnswer = { [store, retention, logger = context.logger] answer in
                let stored = StoredResponse(
                    id: envelope.id, keyID: keyID, createdAt: createdAt, expiresAt: createdAt.addingTimeInterval(retention.timeInterval),
                    inputItems: inputItems, response: ResponsesResponseEncoder.encode(answer, envelope: envelope).serializedString())
                do {
                    try await store.storeResponse(stored)
                } catch {
                    // The answer stands; only its later retrieval or continuation will fail.
                    logger.error("could not store the response", metadata: ["response": "\(envelope.id)", "error": "\(error)"])
                }
            }
        }
        return try await gateway.respond(
            to: responsesRequest.chat, api: .openai, request: request, context: context, endpoint: "responses",
            streamEncoder: ResponsesStreamEncoder(envelope: envelope),
            encodeResponse: { ResponsesResponseEncoder.encode($0, envelope: envelope) }, onAnswer: onAnswer)
    }

    /// The items a continuation starts from: the previous response's input and output items.
    private func conversation(continuing id: String, context: SluiceRequestContext) async throws -> [JSONValue] {
        let stored = try await storedResponse(id: id, context: context, param: "previous_response_id")
        let input = try JSONParser.parse(Array(stored.inputItems.utf8)).arrayValue ?? []
        let output = try JSONParser.parse(Array(stored.response.utf8))["output"]?.arrayValue ?? []
        return input + output
    }

    private func retrieve(context: SluiceRequestContext) async throws -> Response {
        context.record.api = .openai
        let stored = try await storedResponse(id: try responseID(context), context: context)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: stored.response)))
    }

    private func delete(context: SluiceRequestContext) async throws -> Response {
        context.record.api = .openai
        let id = try responseID(context)
        guard let caller = context.caller else { throw SluiceError(.authentication, "missing API key") }
        guard try await store.deleteStoredResponse(id: id, keyID: caller.id) else { throw Self.notFound(id) }
        return Gateway.jsonResponse(["id": .string(id), "object": "response", "deleted": true])
    }

    private func storedResponse(id: String, context: SluiceRequestContext, param: String? = nil) async throws -> StoredResponse {
        guard let caller = context.caller else { throw SluiceError(.authentication, "missing API key") }
        guard let stored = try await store.storedResponse(id: id, keyID: caller.id, now: Date()) else {
            throw Self.notFound(id, param: param)
        }
        return stored
    }

    private func responseID(_ context: SluiceRequestContext) throws -> String {
        guard let id = context.parameters.get("id") else { throw SluiceError.notFound("no response id in the path") }
        return id
    }

    private static func notFound(_ id: String, param: String? = nil) -> SluiceError {
        SluiceError(.notFound, "no response with id '\(id)' (it may have expired, or belong to another key)", param: param)
    }
}
