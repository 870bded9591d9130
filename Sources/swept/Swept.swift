import ArgumentParser

/// `swept`: the command-line interface to the tuning cluster.
@main
struct Swept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swept",
        abstract: "Distributed hyperparameter tuning: coordinator, workers, studies and their results.",
        subcommands: [
            ImportCommand.self,
            // Config helper: query verbs on a store file, then config tools (check, try).
            StudiesCommand.self,
            StatusCommand.self,
            TrialsCommand.self,
            BestCommand.self,
            TrialCommand.self,
            CheckCommand.self,
            TryCommand.self,
            CoordinatorCommand.self,
            WorkerCommand.self,
            SubmitCommand.self,
        ]
    )
}
