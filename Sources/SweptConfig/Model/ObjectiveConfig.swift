import SweptTuning

/// What a trial runs: a built-in trainer, an external command or a built-in test function.
public enum ObjectiveConfig: Sendable, Equatable {
    /// Train a SweptLearn model on the study's data.
    case trainer(TrainerConfig)
    /// Run an external program.
    case command(CommandConfig)
    /// Evaluate a built-in test function (checks and benchmarks).
    case function(FunctionConfig)

    /// The objective types a config may name.
    public static let typeNames = ["mlp", "softmax", "logistic", "ridge", "command", "function"]

    /// The type's name as written in YAML.
    public var typeName: String {
        switch self {
        case .trainer(let trainer): return trainer.model.rawValue
        case .command: return "command"
        case .function: return "function"
        }
    }
}

/// A built-in trainer's settings. Parameters of the search space (and `fixed` values) map onto model and
/// optimizer settings by name; see `TrainerSetting` and docs/configs.md.
public struct TrainerConfig: Sendable, Equatable {
    /// The model family.
    public enum Model: String, Sendable, Equatable, CaseIterable {
        /// A multilayer perceptron (dense layers, softmax output).
        case mlp
        /// Multinomial logistic regression.
        case softmax
        /// Binary logistic regression: `positiveClass` against the rest.
        case logistic
        /// Ridge (L2-penalized least squares, solved in closed form) on one-hot targets; predicts the arg-max
        /// class. One report (step 0) per trial.
        case ridge
    }

    /// The model family.
    public var model: Model
    /// Epochs per trial (one intermediate report per epoch; ridge is solved at once and ignores it).
    public var epochs: Int
    /// Settings that are not tuned, by setting name (`learning_rate: 0.01`).
    public var fixed: [String: ParamValue] = [:]
    /// The label treated as positive by `logistic` (default 0).
    public var positiveClass: Int = 0
    /// The seed of initialization, shuffling and dropout; the trial number is added so trials differ.
    public var seed: UInt64 = 0

    /// Creates trainer settings.
    public init(model: Model, epochs: Int) {
        self.model = model
        self.epochs = epochs
    }
}

/// An external command's settings.
public struct CommandConfig: Sendable, Equatable {
    /// The program and its arguments (a string in YAML is run with `/bin/sh -c`).
    public var argv: [String]
    /// Per-trial wall-clock limit in seconds; the process is terminated when it runs past it.
    public var timeout: Double?
    /// Seconds between SIGTERM and SIGKILL when the trial is pruned, stopped or timed out.
    public var grace: Double = 5
    /// The working directory (relative paths are relative to the config file's directory).
    public var workingDirectory: String?
    /// Extra environment variables.
    public var environment: [String: String] = [:]

    /// Creates command settings.
    public init(argv: [String]) { self.argv = argv }
}

/// A built-in test function's settings.
public struct FunctionConfig: Sendable, Equatable {
    /// The function names a config may use.
    public static let names = TestFunctions.objectiveNames

    /// The function's name.
    public var name: String
    /// Intermediate reports per trial (the value is reported at steps 0..<steps).
    public var steps: Int = 1
    /// Seconds to sleep per step (to imitate training time).
    public var stepSleep: Double = 0

    /// Creates function settings.
    public init(name: String) { self.name = name }
}
