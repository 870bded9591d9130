import Foundation
import SweptConfig

/// Builds the objective a study config declares on a worker, from the objective spec that
/// `StudyConfig.objectiveSpec(yaml:)` made (trainers and commands; test functions go to `TestFunctionObjective`).
public enum StudyObjectives {
    /// The spec type of study-config objectives.
    public static let specType = StudyConfig.objectiveSpecType

    /// The objective for `config`, or `nil` for a function objective (the test-function resolver builds those).
    public static func objective(for config: StudyConfig, cache: PreparedDataCache = .shared) -> (any Objective)? {
        switch config.objective {
        case .trainer(let trainer):
            guard let data = config.data else { return nil }
            return TrainerObjective(
                config: trainer, data: data, metrics: config.metrics, cache: cache,
                timeout: config.budget.trialTimeout)
        case .command(var command):
            // budget.trial_timeout applies when the command sets no timeout of its own.
            if command.timeout == nil { command.timeout = config.budget.trialTimeout }
            return CommandObjective(config: command, metrics: config.metrics)
        case .function:
            return nil
        }
    }

    /// Reads a study-config spec; `nil` when `spec` is another kind (a resolver for `ObjectiveResolver`).
    /// - Throws: `ConfigError` when the carried YAML does not parse.
    public static func resolve(_ spec: String, cache: PreparedDataCache = .shared) throws -> (any Objective)? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(spec.utf8))) as? [String: Any],
            object["type"] as? String == specType, let yaml = object["yaml"] as? String
        else { return nil }
        let file = object["file"] as? String ?? "<spec>"
        let config = try StudyConfigParser.parse(yaml: yaml, file: file)
        return objective(for: config, cache: cache)
    }
}
