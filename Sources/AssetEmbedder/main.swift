import Foundation

// Usage: AssetEmbedder OUTPUT.swift FILE…
// Writes a Swift file defining `EmbeddedConsoleAssets.files`: each file's name and text.
let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: AssetEmbedder OUTPUT FILE…\n".utf8))
    exit(2)
}

var source = "// Generated from console/* by the EmbedConsoleAssets plugin. Do not edit.\n"
source += "enum EmbeddedConsoleAssets {\n    static let files: [String: String] = [\n"
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let text = try String(contentsOf: url, encoding: .utf8)
    // A raw string literal with enough #s that no file text can close it early.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    source += "        \"\(url.lastPathComponent)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"
try source.write(toFile: outputPath, atomically: true, encoding: .utf8)
