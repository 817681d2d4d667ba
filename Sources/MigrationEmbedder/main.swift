import Foundation

// Usage: MigrationEmbedder OUTPUT.swift DIALECT/NNNN_name.sql…
// Writes a Swift file defining `EmbeddedMigrations.DIALECT` for each dialect folder (sqlite,
// postgres), the migrations in file-name order.
let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: MigrationEmbedder OUTPUT FILE…\n".utf8))
    exit(2)
}

var byDialect: [String: [String]] = ["sqlite": [], "postgres": []]
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let name = url.deletingPathExtension().lastPathComponent
    let dialect = url.deletingLastPathComponent().lastPathComponent
    guard byDialect[dialect] != nil else {
        FileHandle.standardError.write(Data("error: migration \(path) must be in migrations/sqlite or migrations/postgres\n".utf8))
        exit(1)
    }
    guard let version = Int(name.prefix { $0.isNumber }) else {
        FileHandle.standardError.write(Data("error: migration \(url.lastPathComponent) must start with its number\n".utf8))
        exit(1)
    }
    let sql = try String(contentsOf: url, encoding: .utf8)
    // A raw string literal with enough #s that no SQL text can close it early.
    var hashes = "#"
    while sql.contains("\"" + hashes) { hashes += "#" }
    byDialect[dialect]!.append(
        "        Migration(version: \(version), name: \"\(name)\", sql: \(hashes)\"\"\"\n\(sql)\n\"\"\"\(hashes)),\n")
}

var source = "// Generated from migrations/*/*.sql by the EmbedMigrations plugin. Do not edit.\n"
source += "enum EmbeddedMigrations {\n"
for dialect in byDialect.keys.sorted() {
    source += "    static let \(dialect): [Migration] = [\n" + byDialect[dialect]!.joined() + "    ]\n"
}
source += "}\n"
try source.write(toFile: outputPath, atomically: true, encoding: .utf8)
