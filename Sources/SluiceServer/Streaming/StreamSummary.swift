internal import SluiceCore

/// What a response stream amounted to: the usage it reported, and whether it ended or failed.
struct StreamSummary: Sendable {
    var usage = Usage()
    var sawEnd = false
    var failure: SluiceError?
    /// The client went away before the end.
    var clientLeft = false

    mutating func observe(_ event: StreamEvent) {
        switch event {
        case .messageStart(_, _, let startUsage): usage = startUsage
        case .messageEnd(_, _, let endUsage):
            usage = endUsage
            sawEnd = true
        case .blockStart, .blockDelta, .blockStop: break
        }
    }
}
