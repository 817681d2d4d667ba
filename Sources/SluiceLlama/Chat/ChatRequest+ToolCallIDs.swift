internal import SluiceCore

extension ChatRequest {
    /// The request with every tool-call ID that is not nine letters and digits replaced by nine
    /// derived from it, the same for a call and its result, turn after turn (so cached prefixes
    /// still match). Mistral's templates refuse any other ID, and clients send `toolu_…` or
    /// `call_…` IDs of 24 characters and more.
    func withNineCharacterToolCallIDs() -> ChatRequest {
        var request = self
        request.messages = messages.map { message in
            Message(
                role: message.role,
                content: message.content.map { block in
                    switch block {
                    case .toolUse(var call):
                        call.id = Self.nineCharacterID(call.id)
                        return .toolUse(call)
                    case .toolResult(var result):
                        result.toolUseID = Self.nineCharacterID(result.toolUseID)
                        return .toolResult(result)
                    default:
                        return block
                    }
                })
        }
        return request
    }

    private static let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `id` itself when it already fits, else nine base-62 digits of its FNV-1a hash.
    static func nineCharacterID(_ id: String) -> String {
        if id.count == 9, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) { return id }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        var digits = ""
        for _ in 0..<9 {
            digits.append(alphanumerics[Int(hash % 62)])
            hash /= 62
        }
        return digits
    }
}
