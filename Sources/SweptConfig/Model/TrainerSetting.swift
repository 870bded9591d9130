import SweptTuning

/// A model or optimizer setting a trainer reads from a trial's parameters (or from `objective.fixed`).
///
/// Parameter names that are not settings of the chosen model are config errors, so a typo in the space
/// cannot silently tune nothing.
public struct TrainerSetting: Sendable, Equatable {
    /// The kind of value a setting takes.
    public enum Kind: Sendable, Equatable {
        case float
        case int
        case choice([String])
    }

    /// The setting's name, as used for parameters.
    public let name: String
    /// The value kind.
    public let kind: Kind
    /// The models that read it.
    public let models: [TrainerConfig.Model]
    /// The value used when neither the space nor `fixed` sets it.
    public let defaultValue: ParamValue
    /// What it controls (docs and `--help`).
    public let summary: String

    /// Every setting of every model, in documentation order.
    public static let all: [TrainerSetting] = {
        let every = TrainerConfig.Model.allCases
        let iterative: [TrainerConfig.Model] = [.mlp, .softmax, .logistic]
        return [
            .init(name: "learning_rate", kind: .float, models: iterative, defaultValue: .float(1e-3),
                  summary: "the optimizer's step size"),
            .init(name: "batch_size", kind: .int, models: iterative, defaultValue: .int(128),
                  summary: "rows per mini-batch"),
            .init(name: "optimizer", kind: .choice(["sgd", "momentum", "nesterov", "adam", "adamw"]),
                  models: iterative, defaultValue: .string("adam"), summary: "the optimizer"),
            .init(name: "momentum", kind: .float, models: iterative, defaultValue: .float(0.9),
                  summary: "momentum of `momentum` and `nesterov` (beta1 of adam/adamw)"),
            .init(name: "weight_decay", kind: .float, models: every, defaultValue: .float(0),
                  summary: "L2 penalty (decoupled for adamw)"),
            .init(name: "alpha", kind: .float, models: [.ridge], defaultValue: .float(1e-3),
                  summary: "ridge's L2 penalty (weight_decay is an alias; alpha wins when both are set)"),
            .init(name: "lr_schedule", kind: .choice(["constant", "cosine", "step"]), models: iterative,
                  defaultValue: .string("constant"), summary: "the learning-rate schedule over the epochs"),
            .init(name: "warmup_epochs", kind: .int, models: iterative, defaultValue: .int(0),
                  summary: "epochs of linear learning-rate warm-up"),
            .init(name: "layers", kind: .int, models: [.mlp], defaultValue: .int(1),
                  summary: "hidden layers"),
            .init(name: "hidden_units", kind: .int, models: [.mlp], defaultValue: .int(128),
                  summary: "units of every hidden layer (units_<k> overrides layer k)"),
            .init(name: "activation", kind: .choice(["relu", "tanh", "gelu", "sigmoid"]), models: [.mlp],
                  defaultValue: .string("relu"), summary: "hidden activation"),
            .init(name: "dropout", kind: .float, models: [.mlp], defaultValue: .float(0),
                  summary: "dropout rate after each hidden layer"),
        ]
    }()

    /// Per-layer units: `units_1` … `units_8` override `hidden_units` for that hidden layer of an MLP.
    public static let maxLayerUnits = 8

    /// The setting called `name` for `model`, or `nil` (per-layer `units_<k>` included for MLPs).
    public static func named(_ name: String, for model: TrainerConfig.Model) -> TrainerSetting? {
        if let setting = all.first(where: { $0.name == name && $0.models.contains(model) }) { return setting }
        if model == .mlp, name.hasPrefix("units_"), let k = Int(name.dropFirst(6)), (1...maxLayerUnits).contains(k) {
            return .init(name: name, kind: .int, models: [.mlp], defaultValue: .int(128),
                         summary: "units of hidden layer \(k)")
        }
        return nil
    }

    /// The setting names `model` reads (for "did you mean" and messages).
    public static func names(for model: TrainerConfig.Model) -> [String] {
        all.filter { $0.models.contains(model) }.map(\.name) + (model == .mlp ? ["units_1", "units_2", "units_3"] : [])
    }
}
