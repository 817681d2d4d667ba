import SluiceCore
import SluiceTelemetry
import Testing

@Suite struct IncomingTraceContextTests {
    private static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func aValidContextPassesOnUnchanged() throws {
        let context = try #require(IncomingTraceContext(traceparent: Self.traceparent, tracestate: "vendor=abc"))
        #expect(
            context.headers == [
                HeaderField(name: "traceparent", value: Self.traceparent), HeaderField(name: "tracestate", value: "vendor=abc"),
            ])
        #expect(IncomingTraceContext(traceparent: Self.traceparent, tracestate: nil)?.headers.count == 1)
    }

    @Test(arguments: [
        nil, "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\r\nx: y",
    ])
    func aMalformedTraceparentIsDropped(traceparent: String?) {
        #expect(IncomingTraceContext(traceparent: traceparent, tracestate: "a=b") == nil)
    }
}
