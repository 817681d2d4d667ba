/// Random identifiers in the forms clients expect (`msg_…`, `toolu_…`, `chatcmpl-…`).
public enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` base62 characters from the system's random source (a CSPRNG), drawing eight random
    /// bytes per call to it; bytes of 248 and above are skipped so every character is equally likely.
    public static func base62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            var word = generator.next()
            for _ in 0..<8 where characters.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 248 { characters.append(alphabet[Int(byte % 62)]) }
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    public static func messageID() -> String { "msg_" + base62(count: 24) }
    public static func toolUseID() -> String { "toolu_" + base62(count: 24) }
    public static func completionID() -> String { "chatcmpl-" + base62(count: 24) }
}
