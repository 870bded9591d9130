import ArgumentParser

/// `swept`: the command-line interface to the tuning cluster.
@main
struct Swept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swept",
        abstract: "Distributed hyperparameter tuning: coordinator, workers, studies and their results.",
        subcommands: [
            CoordinatorCommand.self,
            WorkerCommand.self,
            RunCommand.self,
            LaunchCommand.self,
            StopCommand.self,
            EnqueueCommand.self,
            StudiesCommand.self,
            StatusCommand.self,
            TrialsCommand.self,
            BestCommand.self,
            TrialCommand.self,
            CheckCommand.self,
            TryCommand.self,
            ImportCommand.self,
        ]
    )
}
