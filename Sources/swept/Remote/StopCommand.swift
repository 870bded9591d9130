import ArgumentParser
import SweptWire

/// `swept stop STUDY`: stop a running study.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a study: no new trials start, and running ones are told to stop at their next report.",
        discussion: """
            Trials that were running end as their workers stop them; finished trials stay as they are. Stopping \
            a study that already ended changes nothing.

            Example:
              swept stop fashion-mlp --coordinator tcp://head:7600 --secret-file cluster.secret
            """)

    @Argument(help: "The study's name.") var study: String
    @OptionGroup var remote: CoordinatorOptions

    func run() async throws {
        try await CLIFailure.reporting {
            let reply = try await remote.call(.stopStudy(StudyReference(study: study)))
            guard case .acknowledged = reply else {
                throw CLIFailure.failure("coordinator answered stopStudy with \(reply.name)")
            }
            emit("study \(study) stopped")
        }
    }
}
