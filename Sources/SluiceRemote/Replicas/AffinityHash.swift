internal import SluiceCore

/// FNV-1a over bytes with a final avalanche (splitmix64's): stable across processes and
/// replicas, unlike Swift's seeded `Hasher`, so every Sluice replica ranks upstreams the same way.
struct AffinityHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        value ^= 0xff  // a separator, so ("ab", "c") and ("a", "bc") differ
        value &*= 0x0000_0100_0000_01b3
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension ChatRequest {
    /// The session this request belongs to, hashed, for replica affinity: Claude Code's session id,
    /// else the end user it names, else its system prompt and first user turn, which stay the same
    /// for a whole conversation.
    var affinityHash: UInt64 {
        var hash = AffinityHash()
        if let session = clientSession?.sessionID {
            hash.add("session")
            hash.add(session)
        } else if let user {
            hash.add("user")
            hash.add(user)
        } else {
            for block in system { hash.add(block.text) }
            if let first = messages.first(where: { $0.role == .user }) { hash.add(first.text) }
        }
        return AffinityHash.mix(hash.value)
    }
}
