import ArgumentParser
import Foundation
import SweptWire

/// `swept submit`: launch a study from a JSON study spec on a running coordinator.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Launch a study on a running coordinator from a JSON study spec.",
        discussion: """
            The spec names the study, its directions, search space, sampler, pruner, budget and objective. \
            Until the YAML study configs land, this is the way to launch a study from the command line.

            Example spec (demo.json):
              {"name": "demo", "direction": "minimize",
               "space": {"x": {"float": [-5, 5]},
                         "lr": {"float": [1e-4, 0.1], "log": true}},
               "sampler": {"type": "tpe", "seed": 1},
               "pruner": {"type": "median", "n_startup_trials": 5},
               "budget": {"trials": 100, "max_retries": 3},
               "objective": {"type": "test-function", "steps": 5,
                             "function": "quadratic", "sleep_ms": 10}}

            Examples:
              swept submit demo.json --coordinator tcp://127.0.0.1:7600 \\
                  --secret-file cluster.secret
              swept submit demo.json --secret-file cluster.secret --resume
            """)

    @Argument(help: "The JSON study spec file.")
    var spec: String

    @Option(help: "The coordinator's address.")
    var coordinator: String = "tcp://127.0.0.1:7600"

    @OptionGroup var security: ClusterSecurityOptions

    @Flag(help: "Resume the study when one of that name exists, instead of failing.")
    var resume = false

    @Option(help: "Seconds to wait for the coordinator.")
    var timeout: Double = 10

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: spec) else {
            throw ValidationError("spec file '\(spec)' cannot be read")
        }
        let client = try WireClient(url: coordinator, codec: WireCodec(secret: try security.secret()),
                                    identity: WireIdentity(senderID: "cli-\(ProcessInfo.processInfo.processIdentifier)"),
                                    dialOptions: DialOptions(tls: security.tls))
        defer { client.close() }
        let reply = try await client.call(
            .launchStudy(LaunchStudy(config: [UInt8](data), format: .json, sourceName: spec, resumeIfExists: resume)),
            timeout: .milliseconds(Int(timeout * 1000)))
        guard case .studyLaunched(let launched) = reply else {
            throw ValidationError("coordinator answered launchStudy with \(reply.name)")
        }
        print("study \(launched.studyName) (id \(launched.studyID)) \(launched.created ? "created" : "resumed")")
    }
}
