import Foundation

// Usage: MigrationEmbedder OUTPUT.swift NNNN_name.sql…
// Writes a Swift file defining `EmbeddedMigrations.all`, the migrations in file-name order.
let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: MigrationEmbedder OUTPUT FILE…\n".utf8))
    exit(2)
}

var source = "// Generated from migrations/*.sql by the EmbedMigrations plugin. Do not edit.\n"
source += "enum EmbeddedMigrations {\n    static let all: [Migration] = [\n"
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let name = url.deletingPathExtension().lastPathComponent
    guard let version = Int(name.prefix { $0.isNumber }) else {
        FileHandle.standardError.write(Data("error: migration \(url.lastPathComponent) must start with its number\n".utf8))
        exit(1)
    }
    let sql = try String(contentsOf: url, encoding: .utf8)
    // A raw string literal with enough #s that no SQL text can close it early.
    var hashes = "#"
    while sql.contains("\"" + hashes) { hashes += "#" }
    source += "        Migration(version: \(version), name: \"\(name)\", sql: \(hashes)\"\"\"\n\(sql)\n\"\"\"\(hashes)),\n"
}
source += "    ]\n}\n"
try source.write(toFile: outputPath, atomically: true, encoding: .utf8)
