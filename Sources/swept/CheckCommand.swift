import ArgumentParser
import SweptConfig
import SweptTuning

/// `swept check CONFIG`: validates a study config and prints what it declares.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a study config (YAML) and print what it declares.",
        discussion: """
            Errors name the file, line, column and field and say what was expected (exit code 1).
            Examples:
              swept check study-configs/fashion-mlp-tpe.yaml
            """
    )

    @Argument(help: "The study config file.") var config: String

    func run() throws {
        try CLIFailure.reporting {
            let study = try StudyConfigParser.load(path: config)
            _ = try StudyFactory.makePruner(study.pruner, file: config)
            let style = TerminalStyle.standardOutput
            var block = KeyValueBlock()
            block.add("study", style.bold(study.name))
            block.add("objective", study.objective.typeName)
            block.add("optimize", zip(study.directions, study.metrics).map {
                "\($0.rawValue.lowercased()) \($1)"
            }.joined(separator: ", "))
            block.add("sampler", study.sampler.typeName + (study.sampler.seed.map { " (seed \($0))" } ?? ""))
            block.add("pruner", study.pruner.typeName)
            var budget: [String] = []
            if let trials = study.budget.trials { budget.append("\(trials) trials") }
            if let timeout = study.budget.timeout { budget.append(DurationText.format(timeout)) }
            budget.append(study.budget.parallel.map { "\($0) in parallel" } ?? "as many in parallel as workers take")
            block.add("budget", budget.joined(separator: ", "))
            for parameter in study.space.parameters {
                let condition = parameter.conditions.map { condition in
                    " when " + condition.parent + " in [" + condition.values.map(\.description).joined(separator: ", ")
                        + "]"
                }.joined()
                block.add("param " + parameter.name, "\(parameter.distribution)" + condition)
            }
            emit(block.rendered(style: style))
            emit(style.green("ok") + ": \(config) is a valid study config")
        }
    }
}
