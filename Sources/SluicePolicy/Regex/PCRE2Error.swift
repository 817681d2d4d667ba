internal import CPCRE2

/// A PCRE2 failure: a pattern that does not compile, or a match that gave up.
///
/// The message is PCRE2's own and never quotes the subject, so it is safe to log and to show a
/// client; a compile error carries the offset into the pattern, for settings errors.
struct PCRE2Error: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case compile(offset: Int)
        /// The match, depth, heap or JIT stack limit: the input is too costly to check.
        case resourceLimit
        case match
    }

    private let code: Code
    /// PCRE2's error number (negative for match errors, positive for compile errors).
    let number: Int32
    /// PCRE2's description of the error.
    let message: String

    var description: String {
        switch code {
        case .compile(let offset): "PCRE2Error.compile(\(message) at offset \(offset))"
        case .resourceLimit: "PCRE2Error.resourceLimit(\(message))"
        case .match: "PCRE2Error.match(\(message))"
        }
    }

    /// Where in the pattern compiling failed, in bytes; `nil` for match errors.
    var patternOffset: Int? {
        if case .compile(let offset) = code { offset } else { nil }
    }

    /// Whether matching stopped at one of the limits that keep hostile input from running forever.
    var isResourceLimit: Bool { code == .resourceLimit }

    /// The one place a PCRE2 error number becomes a Swift error: a compile error (positive, with
    /// the offset into the pattern) or a failed match (negative, other than no-match and partial).
    init(_ number: Int32, patternOffset: Int? = nil) {
        code =
            switch number {
            case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT: .resourceLimit
            case 1...: .compile(offset: patternOffset ?? 0)
            default: .match
            }
        self.number = number
        self.message = Self.message(for: number)
    }

    private static func message(for number: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(number, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(number)" }
        return String(decoding: buffer[..<Int(length)], as: UTF8.self)
    }
}
