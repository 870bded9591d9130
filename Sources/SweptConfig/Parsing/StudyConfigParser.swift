import Foundation
import SweptTuning
import Yams

/// Reads study configs: YAML text → a typed, validated `StudyConfig`.
///
/// Every error is a `ConfigError` naming the file, line, column and field and saying what was expected;
/// unknown keys are errors with a "did you mean".
public enum StudyConfigParser {
    /// The top-level keys of a study config.
    public static let topLevelKeys = [
        "name", "description", "direction", "directions", "metric", "metrics", "sampler", "pruner", "budget",
        "data", "objective", "space",
    ]

    /// Reads and parses the config at `path`.
    /// - Throws: `ConfigError` for a missing or unreadable file and for every mistake in it.
    public static func load(path: String) throws -> StudyConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(file: path, line: nil, column: nil, field: "",
                              message: "no such file; expected a study config (YAML)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, column: nil, field: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, column: nil, field: "", message: "expected UTF-8 text")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses config text; `file` names it in errors.
    public static func parse(yaml: String, file: String = "<string>") throws -> StudyConfig {
        let root = try compose(yaml, file: file)
        let top = try root.mapping(
            allowed: topLevelKeys, what: "a mapping of study settings (name, objective, space…)")
        try checkSectionsInFileOrder(top, root: root, file: file)

        let name = try parseName(try top.required("name", "the study's name"))

        let objectiveNode = try top.required("objective", "what each trial runs, e.g. {type: mlp, epochs: 10}")
        let objective = try ObjectiveParser.parse(objectiveNode, configFile: file)
        let directions = try parseDirections(top)
        let metrics = try parseMetrics(top, directions: directions, objective: objective)

        let spaceNode = try top.required("space", "the parameters to tune")
        let space = try SpaceParser.parse(spaceNode)
        try ObjectiveParser.check(objective, space: space, at: spaceNode)

        let sampler = try SamplerParser.parse(top["sampler"], space: space, root: root)
        let pruner = try PrunerParser.parse(top["pruner"], multiObjective: directions.count > 1, root: root)
        let budget = try top["budget"].map(BudgetParser.parse) ?? BudgetConfig()

        let data: DataConfig?
        switch objective {
        case .trainer:
            data = try DataParser.parse(try top.required("data", "the dataset trainers read, e.g. {source: idx:DIR}"))
        case .command, .function:
            if let node = top["data"] {
                throw node.error("'data' is read by trainers only (mlp, softmax, logistic, ridge), not by "
                    + "'\(objective.typeName)' objectives; remove it")
            }
            data = nil
        }
        return StudyConfig(
            name: name, directions: directions, metrics: metrics, sampler: sampler, pruner: pruner, budget: budget,
            data: data, objective: objective, space: space, sourceFile: file
        )
    }

    /// The first pass: each section on its own, in the order the file has them, so the first error reported is
    /// the first in the file. Checks across sections (metrics against the objective, grid values against the
    /// space, the trainer's settings) follow in the second pass.
    private static func checkSectionsInFileOrder(_ top: ConfigMapping, root: ConfigNode, file: String) throws {
        for entry in top.entries where !entry.value.isNull {
            let node = entry.value
            switch entry.key {
            case "name": _ = try parseName(node)
            case "description": _ = try node.string(what: "a text")
            case "direction": _ = try parseDirection(node)
            case "directions":
                _ = try node.list(what: "a list of directions such as [minimize, maximize]").map(parseDirection)
            case "metric": _ = try node.string(what: "a metric name")
            case "metrics":
                _ = try node.list(what: "a list of metric names").map { try $0.string(what: "a metric name") }
            case "sampler": _ = try SamplerParser.parse(node, space: nil, root: root)
            case "pruner": _ = try PrunerParser.parse(node, multiObjective: false, root: root)
            case "budget": _ = try BudgetParser.parse(node)
            case "data": _ = try DataParser.parse(node)
            case "objective": _ = try ObjectiveParser.parse(node, configFile: file)
            case "space": _ = try SpaceParser.parse(node)
            default: break
            }
        }
    }

    private static func parseName(_ node: ConfigNode) throws -> String {
        let name = try node.string(what: "a study name")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard name.allSatisfy(allowed.contains) else {
            throw node.error("expected letters, digits, '.', '_' or '-', got '\(name)'")
        }
        return name
    }

    private static func parseDirection(_ node: ConfigNode) throws -> StudyDirection {
        try node.choice(["minimize", "maximize"], what: "direction") == "minimize" ? .minimize : .maximize
    }

    /// Composes the YAML document, turning Yams errors into located `ConfigError`s.
    static func compose(_ yaml: String, file: String) throws -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw located(error, file: file)
        } catch {
            throw ConfigError(file: file, line: nil, column: nil, field: "", message: "invalid YAML: \(error)")
        }
        guard let node else {
            throw ConfigError(file: file, line: nil, column: nil, field: "",
                              message: "the file is empty; expected a mapping with name, objective and space")
        }
        return ConfigNode(node: node, path: "", file: file)
    }

    private static func located(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigError(file: file, line: mark.line, column: mark.column, field: "",
                               message: "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(file: file, line: context.mark.line, column: context.mark.column, field: "",
                               message: "the mapping starting here repeats the key(s) \(keys); each key may appear once")
        default:
            return ConfigError(file: file, line: nil, column: nil, field: "", message: "invalid YAML: \(error)")
        }
    }

    private static func parseDirections(_ top: ConfigMapping) throws -> [StudyDirection] {
        let direction = parseDirection
        if let single = top["direction"] {
            if let both = top["directions"] {
                throw both.error("give either 'direction' or 'directions', not both")
            }
            return [try direction(single)]
        }
        if let several = top["directions"] {
            let list = try several.list(what: "a list of directions such as [minimize, maximize]")
            guard !list.isEmpty else { throw several.error("expected at least one direction, got []") }
            return try list.map(direction)
        }
        throw top.owner.error("missing required key 'direction' (minimize or maximize)")
    }

    private static func parseMetrics(
        _ top: ConfigMapping, directions: [StudyDirection], objective: ObjectiveConfig
    ) throws -> [String] {
        var metrics: [String]
        var at = top.owner
        if let single = top["metric"] {
            if let both = top["metrics"] { throw both.error("give either 'metric' or 'metrics', not both") }
            metrics = [try single.string(what: "a metric name")]
            at = single
        } else if let several = top["metrics"] {
            metrics = try several.list(what: "a list of metric names").map { try $0.string(what: "a metric name") }
            at = several
        } else {
            guard directions.count == 1 else {
                throw top.owner.error("missing 'metrics': name one metric per direction (\(directions.count))")
            }
            if case .trainer(let trainer) = objective {
                metrics = [TrainerMetric.names(for: trainer.model)[0]]
            } else {
                metrics = ["value"]
            }
        }
        guard metrics.count == directions.count else {
            throw at.error("expected \(directions.count) metric(s), one per direction, got \(metrics.count)")
        }
        if case .trainer(let trainer) = objective {
            let known = TrainerMetric.names(for: trainer.model)
            for (metric, direction) in zip(metrics, directions) {
                guard known.contains(metric), let expected = TrainerMetric.direction(of: metric) else {
                    let hint = EditDistance.hint(for: metric, among: known)
                    throw at.error("unknown metric '\(metric)' for the \(trainer.model.rawValue) trainer\(hint); "
                        + "expected one of: " + known.joined(separator: ", "))
                }
                guard expected == direction else {
                    throw at.error("metric '\(metric)' is better when larger/smaller: expected direction "
                        + "\(expected == .maximize ? "maximize" : "minimize") for it")
                }
            }
        }
        return metrics
    }
}

/// The metrics built-in trainers report, measured on the validation split: `val_accuracy` and `val_loss`
/// (cross-entropy for the iterative classifiers, mean squared error on one-hot targets for ridge).
public enum TrainerMetric {
    /// Metric names, in documentation order.
    public static let names = ["val_accuracy", "val_loss"]

    /// The metrics `model` reports; the first is the default.
    public static func names(for model: TrainerConfig.Model) -> [String] { names }

    /// The direction in which `metric` improves, or `nil` for an unknown metric.
    public static func direction(of metric: String) -> StudyDirection? {
        switch metric {
        case "val_accuracy": return .maximize
        case "val_loss": return .minimize
        default: return nil
        }
    }
}
