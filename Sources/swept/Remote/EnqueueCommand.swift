import ArgumentParser
import SweptCoordinator
import SweptTuning
import SweptWire

/// `swept enqueue STUDY --param k=v…`: queue a trial with fixed parameters.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue a trial with fixed parameters; it runs before newly sampled ones.",
        discussion: """
            Parameters not given are sampled as usual. Values are read as integers, numbers, true/false or \
            text; the coordinator checks each against the study's space and names any that does not fit.

            Examples:
              swept enqueue fashion-mlp --param learning_rate=0.001 --param layers=1 \\
                  --coordinator tcp://head:7600 --secret-file cluster.secret
              swept enqueue branin-random --param x1=3.14 --param x2=2.27 --skip-if-exists \\
                  --secret-file cluster.secret
            """)

    @Argument(help: "The study's name.") var study: String

    @Option(name: .long, help: ArgumentHelp("A fixed parameter (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Flag(name: .customLong("skip-if-exists"),
          help: "Do nothing when a trial with these parameters is already queued, running or finished.")
    var skipIfExists = false

    @OptionGroup var remote: CoordinatorOptions

    func validate() throws {
        if param.isEmpty { throw ValidationError("give at least one --param name=value") }
    }

    func run() async throws {
        try await CLIFailure.reporting {
            var parameters: [TrialParameter] = []
            for item in param {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw CLIFailure.user("--param \(item): expected name=value")
                }
                let value = ParameterValue(TryCommand.value(String(parts[1])))
                parameters.append(TrialParameter(name: String(parts[0]), value: value))
            }
            let reply = try await remote.call(.enqueueTrial(EnqueueTrial(
                study: study, parameters: parameters, skipIfExists: skipIfExists)))
            guard case .enqueued(let enqueued) = reply else {
                throw CLIFailure.failure("coordinator answered enqueueTrial with \(reply.name)")
            }
            emit(enqueued.created
                ? "trial \(enqueued.number) queued in \(study)"
                : "a trial with these parameters exists already: trial \(enqueued.number) of \(study)")
        }
    }
}
