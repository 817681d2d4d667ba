import Foundation
import PackagePlugin

/// Compiles the SQL files of the top-level `migrations/sqlite/` and `migrations/postgres/` folders
/// into the store module, so the `sluice` binary carries its schema wherever it is installed and
/// the folders stay the one source.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let files = try ["sqlite", "postgres"].flatMap { dialect in
            let folder = context.package.directoryURL.appending(path: "migrations").appending(path: dialect)
            return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) SQL migrations",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
