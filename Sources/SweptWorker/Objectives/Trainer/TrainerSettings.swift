import SweptConfig
import SweptLearn
import SweptTuning

/// A trial's parameters resolved into a SweptLearn network shape and training configuration.
///
/// Each setting comes from the trial's params, else `objective.fixed`, else its default (`TrainerSetting`):
/// `learning_rate`, `batch_size`, `optimizer` (sgd | momentum | nesterov | adam | adamw), `momentum` (SGD
/// momentum; adam's beta1), `weight_decay` (ridge: `alpha`), `lr_schedule` (constant | cosine | step: ×0.1 every
/// third of the epochs), `warmup_epochs`; ridge reads only `alpha` (alias `weight_decay`); MLPs also read
/// `layers`, `hidden_units`, `units_<k>`, `activation`,
/// `dropout`.
struct TrainerSettings: Equatable {
    var training = TrainingConfiguration()
    var hidden: [Int] = []
    var activation: Activation = .relu
    var dropout: Float = 0
    /// Ridge's L2 penalty.
    var alpha: Float = 1e-3

    /// Resolves `params` for `config`'s model. With `concurrentTrials` > 1 the run lets OpenBLAS thread its
    /// products instead of splitting its steps: a split run sets the process-wide thread count to 1 during each
    /// epoch and back afterwards, which would change the products of another trial training beside it.
    /// - Throws: `DataPreparationError`-style messages naming the setting for values that do not fit.
    init(config: TrainerConfig, params: [String: ParamValue], trialNumber: Int, threads: Int,
         concurrentTrials: Int = 1) throws {
        func value(_ name: String) -> ParamValue {
            params[name] ?? config.fixed[name] ?? TrainerSetting.named(name, for: config.model)?.defaultValue ?? .null
        }
        func number(_ name: String) throws -> Double {
            guard let number = value(name).doubleValue else {
                throw TrainerSettingError(description: "\(name): expected a number, got \(value(name))")
            }
            return number
        }
        func integer(_ name: String) throws -> Int {
            guard let integer = value(name).intValue else {
                throw TrainerSettingError(description: "\(name): expected an integer, got \(value(name))")
            }
            return integer
        }
        func text(_ name: String) throws -> String {
            guard let text = value(name).stringValue else {
                throw TrainerSettingError(description: "\(name): expected a name, got \(value(name))")
            }
            return text
        }
        if config.model == .ridge {
            let explicitAlpha = params["alpha"] ?? config.fixed["alpha"]
            let explicitDecay = params["weight_decay"] ?? config.fixed["weight_decay"]
            let value = (explicitAlpha ?? explicitDecay)?.doubleValue ?? 1e-3
            guard value >= 0, value.isFinite else {
                throw TrainerSettingError(description: "alpha: expected a finite number >= 0, got \(value)")
            }
            alpha = Float(value)
            return
        }
        training.epochs = config.epochs
        training.learningRate = Float(try number("learning_rate"))
        training.batchSize = try integer("batch_size")
        training.seed = config.seed &+ UInt64(max(trialNumber, 0))
        training.threads = max(threads, 1)
        training.splitsSteps = concurrentTrials <= 1
        let momentum = Float(try number("momentum"))
        switch try text("optimizer") {
        case "sgd": training.optimizer = .sgd(momentum: 0)
        case "momentum": training.optimizer = .sgd(momentum: momentum)
        case "nesterov": training.optimizer = .sgd(momentum: momentum, nesterov: true)
        case "adam": training.optimizer = .adam(beta1: momentum)
        case "adamw": training.optimizer = .adamW(beta1: momentum)
        case let other: throw TrainerSettingError(description: "optimizer: unknown optimizer '\(other)'")
        }
        training.weightDecay = Float(try number("weight_decay"))
        var schedule: LearningRateSchedule
        switch try text("lr_schedule") {
        case "cosine": schedule = .cosine()
        case "step": schedule = .step(epochs: max(1, config.epochs / 3), factor: 0.1)
        default: schedule = .constant
        }
        let warmup = try integer("warmup_epochs")
        if warmup > 0 { schedule = .warmup(epochs: warmup, then: schedule) }
        training.schedule = schedule
        guard config.model == .mlp else { return }
        let layers = try integer("layers")
        guard layers >= 1 else { throw TrainerSettingError(description: "layers: expected >= 1, got \(layers)") }
        let units = try integer("hidden_units")
        hidden = try (1...layers).map { k in
            let name = "units_\(k)"
            if params[name] != nil || config.fixed[name] != nil { return try integer(name) }
            return units
        }
        guard let chosen = Activation(rawValue: try text("activation")) else {
            throw TrainerSettingError(description: "activation: unknown activation \(value("activation"))")
        }
        activation = chosen
        dropout = Float(try number("dropout"))
    }
}

/// A trial parameter that does not fit its trainer setting.
struct TrainerSettingError: Error, CustomStringConvertible {
    let description: String
}
