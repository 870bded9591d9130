import ArgumentParser
import SweptStore

/// `swept import`: copy studies of an Optuna SQLite database into a swept store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import studies from an Optuna SQLite database into a swept store.",
        discussion: """
            Copies every trial of a study — params with their distributions, values, intermediate values, \
            attributes, states and times — in one transaction. The Optuna file is opened read-only and never \
            modified. Run it while no coordinator holds the store (it is the store's only writer).

            Examples:
              swept import optuna.db --store swept.db                 # the file's only study
              swept import optuna.db --study mnist --as mnist-v1 --store swept.db
              swept import optuna.db --all --store swept.db
            """)

    @Argument(help: "The Optuna SQLite database file (e.g. the path in sqlite:///optuna.db).")
    var source: String

    @Option(help: "The study to import (required when the file holds several, unless --all).")
    var study: String?

    @Option(name: .customLong("as"), help: "The name in the swept store (default: the same name).")
    var newName: String?

    @Flag(help: "Import every study of the file under its own name.")
    var all = false

    @Option(help: "The swept store to import into; created when missing.")
    var store: String = "swept.db"

    func validate() throws {
        if all && (study != nil || newName != nil) {
            throw ValidationError("--all imports every study under its own name: drop --study and --as")
        }
        if newName != nil && study == nil {
            throw ValidationError("--as renames one study: name it with --study")
        }
    }

    func run() async throws {
        try await CLIFailure.reporting { try await importStudies() }
    }

    private func importStudies() async throws {
        let available = try StudyStore.optunaStudyNames(at: source)
        let names: [String]
        if all {
            names = available
        } else if let study {
            names = [study]
        } else if available.count == 1 {
            names = available
        } else {
            let listed = available.isEmpty ? "no studies" : available.map { "'\($0)'" }.joined(separator: ", ")
            throw CLIFailure.user("\(source) holds \(listed): name one with --study, or pass --all")
        }
        let target = try StudyStore.open(at: store)
        do {
            for name in names {
                let record = try await target.importOptunaStudy(from: source, studyName: name, as: newName)
                print("imported study '\(name)' from \(source) as '\(record.name)' into \(store)")
            }
        } catch {
            try? await target.close()
            throw error
        }
        try await target.close()
    }
}
