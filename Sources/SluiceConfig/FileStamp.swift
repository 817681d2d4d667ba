public import Foundation

/// What tells one version of a file from the next, for watchers that poll: where its links lead,
/// when it changed and its size. Following the links matters: certbot's `live/` files and
/// Kubernetes volumes change by swapping a link above the file, never the file itself.
public struct FileStamp: Sendable, Equatable {
    public let target: String
    public let modified: Date
    public let size: Int

    /// The stamp of the file at `path` now; `nil` when it cannot be read.
    public init?(path: String) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
            let modified = attributes[.modificationDate] as? Date, let size = attributes[.size] as? Int
        else { return nil }
        self.target = target
        self.modified = modified
        self.size = size
    }
}
