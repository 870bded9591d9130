import Yams
import Foundation
import SweptTuning

/// Parses `objective:` — `{type: mlp, epochs: 10}`, `{type: command, run: [python3, train.py]}`,
/// `{type: function, name: branin}` — and checks the space against the trainer's settings.
enum ObjectiveParser {
    static let trainerKeys = ["type", "epochs", "report_every", "fixed", "positive_class", "seed"]
    static let commandKeys = ["type", "run", "timeout", "grace", "workdir", "env"]
    static let functionKeys = ["type", "name", "steps", "step_sleep"]

    static func parse(_ node: ConfigNode, configFile: String) throws -> ObjectiveConfig {
        let loose = try node.mapping(allowed: [], what: "a mapping such as {type: mlp, epochs: 10}")
        let type = try loose.required("type", ObjectiveConfig.typeNames.joined(separator: "|"))
            .choice(ObjectiveConfig.typeNames, what: "objective type")
        switch type {
        case "command": return .command(try command(node, configFile: configFile))
        case "function": return .function(try function(node))
        default:
            guard let model = TrainerConfig.Model(rawValue: type) else { throw node.error("unknown type '\(type)'") }
            return .trainer(try trainer(node, model: model))
        }
    }

    private static func trainer(_ node: ConfigNode, model: TrainerConfig.Model) throws -> TrainerConfig {
        let fields = try node.mapping(allowed: trainerKeys)
        // Ridge is solved in closed form: one "epoch", `epochs` is not needed.
        let epochs = model == .ridge
            ? try fields["epochs"]?.int(atLeast: 1) ?? 1
            : try fields.required("epochs", "epochs per trial, e.g. 10").int(atLeast: 1)
        var config = TrainerConfig(model: model, epochs: epochs)
        if let every = fields["report_every"] {
            guard try every.int(atLeast: 1) == 1 else {
                throw every.error("trainers report once per epoch; expected 1")
            }
        }
        if let fixed = fields["fixed"] {
            for entry in try fixed.mapping(allowed: []).entries {
                let value = try entry.value.paramValue()
                try checkSetting(entry.key, value: value, model: model, at: entry.keyNode)
                config.fixed[entry.key] = value
            }
        }
        if let positive = fields["positive_class"] {
            guard model == .logistic else { throw positive.error("'positive_class' applies to logistic only") }
            config.positiveClass = try positive.int(atLeast: 0)
        }
        if let seed = fields["seed"] { config.seed = UInt64(try seed.int(atLeast: 0)) }
        return config
    }

    private static func command(_ node: ConfigNode, configFile: String) throws -> CommandConfig {
        let fields = try node.mapping(allowed: commandKeys)
        let runNode = try fields.required("run", "the program to start, e.g. [python3, scripts/train.py]")
        var argv: [String]
        if runNode.isList {
            argv = try runNode.list().map { try $0.string(what: "a program argument") }
            guard !argv.isEmpty else { throw runNode.error("expected the program and its arguments, got []") }
        } else {
            argv = ["/bin/sh", "-c", try runNode.string(what: "a command line")]
        }
        var config = CommandConfig(argv: argv)
        config.timeout = try fields["timeout"]?.duration()
        config.grace = try fields["grace"]?.duration() ?? config.grace
        let base = URL(fileURLWithPath: configFile).deletingLastPathComponent().path
        if let workdir = fields["workdir"] {
            let path = try workdir.string(what: "a directory")
            config.workingDirectory = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        } else {
            config.workingDirectory = configFile.hasPrefix("<") ? nil : base
        }
        if let env = fields["env"] {
            for entry in try env.mapping(allowed: []).entries {
                guard let text = entry.value.scalarText else {
                    throw entry.value.error("expected a text value, got \(entry.value.shown)")
                }
                config.environment[entry.key] = text
            }
        }
        return config
    }

    private static func function(_ node: ConfigNode) throws -> FunctionConfig {
        let fields = try node.mapping(allowed: functionKeys)
        var config = FunctionConfig(
            name: try fields.required("name", FunctionConfig.names.joined(separator: "|"))
                .choice(FunctionConfig.names, what: "function")
        )
        config.steps = try fields["steps"]?.int(atLeast: 1) ?? 1
        if let sleep = fields["step_sleep"] { config.stepSleep = try sleep.duration() }
        return config
    }

    /// A trainer setting's name is known for the model, and its value (or choices) fit the setting's kind.
    static func checkSetting(_ name: String, value: ParamValue, model: TrainerConfig.Model, at: ConfigNode) throws {
        guard let setting = TrainerSetting.named(name, for: model) else {
            let names = TrainerSetting.names(for: model)
            let hint = EditDistance.hint(for: name, among: names)
            throw at.error("'\(name)' is not a setting of the \(model.rawValue) trainer\(hint); expected one of: "
                + names.joined(separator: ", "))
        }
        switch setting.kind {
        case .float:
            guard value.doubleValue != nil else { throw at.error("expected a number for '\(name)', got \(value)") }
        case .int:
            guard value.intValue != nil else { throw at.error("expected an integer for '\(name)', got \(value)") }
        case .choice(let choices):
            guard let text = value.stringValue, choices.contains(text) else {
                throw at.error("expected one of \(choices.joined(separator: ", ")) for '\(name)', got \(value)")
            }
        }
    }

    /// Every space parameter of a trainer objective is one of its settings, with a fitting range.
    static func check(_ objective: ObjectiveConfig, space: SearchSpace, at node: ConfigNode) throws {
        guard case .trainer(let trainer) = objective else { return }
        let entries = (try? node.mapping(allowed: []).entries) ?? []
        for parameter in space.parameters {
            let at = entries.first { $0.key == parameter.name }?.keyNode ?? node
            if trainer.fixed[parameter.name] != nil {
                throw at.error("'\(parameter.name)' is both tuned here and fixed in objective.fixed; keep one")
            }
            switch parameter.distribution {
            case .categorical(let d):
                for choice in d.choices {
                    try checkSetting(parameter.name, value: choice, model: trainer.model, at: at)
                }
            case .float(let d):
                try checkSetting(parameter.name, value: .float(d.low), model: trainer.model, at: at)
                if case .int = TrainerSetting.named(parameter.name, for: trainer.model)?.kind {
                    throw at.error("'\(parameter.name)' takes integers; expected an int range")
                }
            case .int(let d):
                try checkSetting(parameter.name, value: .int(d.low), model: trainer.model, at: at)
            }
        }
    }
}
