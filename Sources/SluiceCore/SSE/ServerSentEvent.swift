/// One server-sent event: an optional event name and its data.
public struct ServerSentEvent: Sendable, Hashable {
    public var event: String?
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }

    /// The event as a frame: `event:` (when named) and `data:` lines, then a blank line.
    public func encoded() -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(data.utf8.count + 32)
        if let event {
            frame.append(contentsOf: "event: ".utf8)
            frame.append(contentsOf: event.utf8)
            frame.append(0x0A)
        }
        // Any of CR, LF and CRLF ends an SSE line, so each becomes its own `data:` line.
        var line: [UInt8] = []
        var previous: UInt8 = 0
        func emitLine() {
            frame.append(contentsOf: "data: ".utf8)
            frame.append(contentsOf: line)
            frame.append(0x0A)
            line.removeAll(keepingCapacity: true)
        }
        for byte in data.utf8 {
            switch byte {
            case 0x0A where previous == 0x0D: break
            case 0x0A, 0x0D: emitLine()
            default: line.append(byte)
            }
            previous = byte
        }
        emitLine()
        frame.append(0x0A)
        return frame
    }
}
