public import Logging
internal import Foundation
internal import Synchronization
#if canImport(Glibc)
// Release builds see Glibc's `timespec` and `tm` through CoreFoundation's module map.
internal import CoreFoundation
internal import Glibc
#endif

/// Writes log lines to standard error, as text for people or one JSON object a line for machines.
///
/// Metadata goes out as given: callers log a key's name or display prefix, never the key.
public struct SluiceLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: Format

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    /// Installs the handler for the whole process.
    public static func bootstrap(format: Format, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = SluiceLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let timestamp = Self.timestamp()
        let line: String
        switch format {
        case .text:
            let rendered = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.textValue($0.value))" }
            line = ([timestamp, event.level.rawValue, event.message.description] + rendered).joined(separator: " ")
        case .json:
            var object: [(String, String)] = [
                ("ts", Self.jsonString(timestamp)), ("level", Self.jsonString(event.level.rawValue)),
                ("message", Self.jsonString(event.message.description)),
            ]
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) { object.append((key, Self.jsonValue(value))) }
            line = "{" + object.map { "\(Self.jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        Self.output.withLock { _ in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// The current UTC time as `2026-11-21T13:40:49.044Z`, formatted directly: this runs for every
    /// request's log line, and Foundation's formatter costs far more than the rest of the line.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))."
            + "\(padded(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }

    /// Serialises writes so lines from concurrent requests never interleave.
    private static let output = Mutex(())

    private static func textValue(_ value: Logger.Metadata.Value) -> String {
        let text = value.description
        return text.contains(" ") || text.isEmpty ? "\"\(text)\"" : text
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): Self.isNumber(text) ? text : jsonString(text)
        case .stringConvertible(let convertible):
            Self.isNumber(convertible.description) ? convertible.description : jsonString(convertible.description)
        case .array(let values): "[" + values.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonValue($0.value))" }.joined(separator: ",") + "}"
        }
    }

    private static func isNumber(_ text: String) -> Bool {
        !text.isEmpty && Double(text) != nil && text.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
    }

    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
