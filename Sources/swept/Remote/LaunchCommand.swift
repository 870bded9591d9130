import ArgumentParser
import Foundation
import SweptConfig
import SweptWire

/// `swept launch CONFIG`: launch a study on a running coordinator.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Launch a study on a running coordinator from a YAML study config (or a JSON study spec).",
        discussion: """
            The config is checked here first (the same parser as `swept check`), then sent to the coordinator, \
            which stores the study and starts handing its trials to workers. Files ending in .json are JSON \
            study specs (docs/protocol.md); anything else is a YAML study config (docs/configs.md).

            Examples:
              swept launch study-configs/fashion-mlp-tpe.yaml --coordinator tcp://head:7600 \\
                  --secret-file cluster.secret
              swept launch study-configs/branin-random.yaml --secret-file cluster.secret --resume
              swept launch demo.json --coordinator tcp://head:7600 --secret-file cluster.secret
            """)

    @Argument(help: "The study config (.yaml) or JSON study spec (.json).")
    var config: String

    @OptionGroup var remote: CoordinatorOptions

    @Flag(help: "Resume the study when one of that name exists, instead of failing.")
    var resume = false

    func run() async throws {
        try await CLIFailure.reporting {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CLIFailure.user("cannot read '\(config)': no such file or not readable")
            }
            let format: ConfigFormat = config.lowercased().hasSuffix(".json") ? .json : .yaml
            if format == .yaml {
                _ = try StudyConfigParser.parse(yaml: String(decoding: data, as: UTF8.self), file: config)
            }
            let reply = try await remote.call(.launchStudy(LaunchStudy(
                config: [UInt8](data), format: format, sourceName: config, resumeIfExists: resume)))
            guard case .studyLaunched(let launched) = reply else {
                throw CLIFailure.failure("coordinator answered launchStudy with \(reply.name)")
            }
            emit("study \(launched.studyName) (id \(launched.studyID)) \(launched.created ? "created" : "resumed") "
                + "on \(remote.coordinator)")
        }
    }
}
