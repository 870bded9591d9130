import ArgumentParser
import Foundation

/// Options every query verb shares: where to read from and how to print.
struct QueryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The study store to read (read-only; safe while a study runs).",
                                            valueName: "path"))
    var store: String = "swept.db"

    @Option(name: .long, help: ArgumentHelp(
        "Ask a running coordinator instead of reading a store file (needs --secret-file).", valueName: "url"))
    var coordinator: String?

    @OptionGroup var security: ClusterSecurityOptions

    @Option(help: "With --coordinator: seconds to wait for each reply.")
    var timeout: Double = 10

    @Flag(name: .long, help: "Print JSON (a stable shape, see docs/cli.md) instead of a table.")
    var json = false

    /// The source the options name.
    func source() throws -> any StudyQuerySource {
        if let coordinator {
            var remote = CoordinatorOptions()
            remote.coordinator = coordinator
            remote.security = security
            remote.timeout = timeout
            return CoordinatorQuerySource(url: coordinator, call: { [remote] body in try await remote.call(body) })
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
