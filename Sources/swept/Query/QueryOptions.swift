import ArgumentParser
import Foundation

/// Options every query verb shares: where to read from and how to print.
struct QueryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The study store to read (read-only; safe while a study runs).",
                                            valueName: "path"))
    var store: String = "swept.db"

    @Option(name: .long, help: ArgumentHelp(
        "Ask a running coordinator instead of reading a store file (not available yet: use --store).",
        valueName: "url"))
    var coordinator: String?

    @Flag(name: .long, help: "Print JSON (a stable shape, see docs/cli.md) instead of a table.")
    var json = false

    /// The source the options name.
    func source() throws -> any StudyQuerySource {
        if let coordinator {
            throw CLIFailure.user("--coordinator \(coordinator): querying a coordinator is not available in this "
                + "version yet; read the store file with --store PATH")
        }
        return try Self.storeSource(store)
    }

    /// A read-only source over the store file at `path`; a missing file is the user's error.
    static func storeSource(_ path: String) throws -> any StudyQuerySource {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIFailure.user("no store at '\(path)'; pass --store PATH (the coordinator's --store, "
                + "default ./swept.db)")
        }
        return try StoreQuerySource(path: path)
    }
}
