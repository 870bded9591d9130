import SweptConfig

extension StudySpec {
    /// The spec of a YAML study config: the same space (conditions included), sampler, pruner and budget, and
    /// the objective carried to workers as `StudyConfig.objectiveSpec(yaml:)`.
    /// - Parameters:
    ///   - config: the parsed config.
    ///   - yaml: the text it was parsed from (trainer and command objectives travel as this text).
    public init(config: StudyConfig, yaml: String) {
        self.init(
            name: config.name, directions: config.directions, space: config.space.parameters,
            sampler: config.sampler, pruner: config.pruner,
            budget: BudgetSpec(
                trials: config.budget.trials, timeoutSeconds: config.budget.timeout,
                maxRetries: config.budget.maxRetries, parallel: config.budget.parallel,
                maxFailures: config.budget.maxFailures),
            objective: Self.normalized(config.objectiveSpec(yaml: yaml)))
    }

    /// The objective spec in the canonical form the spec's JSON carries (so a spec equals its round trip).
    private static func normalized(_ objective: String) -> String {
        JSONValue.parse(objective)?.jsonText ?? objective
    }

    /// Parses a YAML study config into a spec.
    /// - Throws: `StudySpecError` carrying the config parser's located message (file, line, field).
    public static func parseYAML(_ bytes: [UInt8], source: String) throws(StudySpecError) -> StudySpec {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let config = try StudyConfigParser.parse(yaml: text, file: source)
            return StudySpec(config: config, yaml: text)
        } catch let error as ConfigError {
            throw StudySpecError(error.description)
        } catch {
            throw StudySpecError("\(source): \(error)")
        }
    }
}
