public import SluiceCore

/// Encodes a canonical ``ChatResponse`` as a Responses API `response` object: the same object a
/// streaming client receives in `response.completed`, item ids included.
public enum ResponsesResponseEncoder {
    public static func encode(_ response: ChatResponse, envelope: ResponsesEnvelope) -> JSONValue {
        var builder = ResponsesOutputBuilder(envelope: envelope)
        for event in response.events { _ = builder.consume(event) }
        return builder.response(status: builder.status)
    }
}
