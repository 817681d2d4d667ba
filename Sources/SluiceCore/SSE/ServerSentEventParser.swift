/// Splits a byte stream into server-sent events, whatever the chunk boundaries.
///
/// Feed it bytes as they arrive; it returns the events completed so far and keeps the rest.
/// Lines may end in LF, CRLF or CR; comment lines (`:`) and unknown fields are ignored, and
/// several `data:` lines join with newlines, as the SSE specification says.
public struct ServerSentEventParser: Sendable {
    /// The longest line accepted; an upstream sending more without a newline is broken.
    public static let maximumLineLength = 16 * 1024 * 1024

    private var line: [UInt8] = []
    private var lastWasCarriageReturn = false
    private var eventName: String?
    private var dataLines: [String] = []
    private var hasData = false
    /// Bytes of a leading UTF-8 byte-order mark seen so far; the SSE specification says to drop it.
    private var bomBytesChecked = 0

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(SluiceError) -> [ServerSentEvent] {
        let contiguous = bytes as? [UInt8] ?? Array(bytes)
        return try contiguous.withUnsafeBufferPointer { buffer throws(SluiceError) in try feed(buffer) }
    }

    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(SluiceError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if bomBytesChecked < 3 {
                let expected: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == expected[bomBytesChecked], line.count == bomBytesChecked {
                    bomBytesChecked += 1
                    line.append(byte)
                    if bomBytesChecked == 3 { line.removeAll() }
                    continue
                }
                bomBytesChecked = 3
            }
            switch byte {
            case 0x0A where lastWasCarriageReturn:
                lastWasCarriageReturn = false  // the LF of a CRLF already ended the line
            case 0x0A, 0x0D:
                lastWasCarriageReturn = byte == 0x0D
                if let event = endLine() { events.append(event) }
            default:
                lastWasCarriageReturn = false
                line.append(byte)
                guard line.count <= Self.maximumLineLength else {
                    throw .upstreamFailed("upstream sent an event line longer than \(Self.maximumLineLength) bytes")
                }
            }
        }
        return events
    }

    /// Call at end of input: an event not yet closed by a blank line is dispatched if complete.
    public mutating func finish() -> ServerSentEvent? {
        var event: ServerSentEvent?
        if !line.isEmpty { event = endLine() }
        if event == nil, hasData { event = dispatch() }
        return event
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return hasData || eventName != nil ? dispatch() : nil }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: line[..<(colon ?? line.endIndex)], as: UTF8.self)
        var valueStart = colon.map { line.index(after: $0) } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch field {
        case "event": eventName = value
        case "data":
            dataLines.append(value)
            hasData = true
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventName = nil
            dataLines.removeAll()
            hasData = false
        }
        guard hasData else { return nil }
        return ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"))
    }
}
