internal import Foundation

/// The tricky inputs kept in `Tests/Corpus`, for the parser and decoder tests to run on every build.
///
/// `json/` holds bodies for the parser; `anthropic/` and `openai/` hold request bodies for each
/// front's decoder. Each file is one input; its name says what it tries.
public enum FuzzCorpus {
    public static func inputs(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus").appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { name in (name, Array(try Data(contentsOf: directory.appendingPathComponent(name)))) }
    }
}
