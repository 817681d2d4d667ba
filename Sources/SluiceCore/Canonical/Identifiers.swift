/// Random identifiers in the forms clients expect (`msg_…`, `toolu_…`, `chatcmpl-…`).
public enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` base62 characters from the system's random source.
    public static func base62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt8(62)))] }, as: UTF8.self)
    }

    public static func messageID() -> String { "msg_" + base62(count: 24) }
    public static func toolUseID() -> String { "toolu_" + base62(count: 24) }
    public static func completionID() -> String { "chatcmpl-" + base62(count: 24) }
}
