import Yams
import SweptTuning

/// Parses `sampler:` — `{type: tpe, seed: 42, n_startup_trials: 10}`, `{type: random}`, `{type: grid}`.
enum SamplerParser {
    static let types = ["tpe", "random", "grid"]
    static let tpeKeys = [
        "type", "seed", "n_startup_trials", "n_ei_candidates", "multivariate", "constant_liar", "prior_weight",
        "consider_magic_clip", "consider_endpoints",
    ]

    /// Parses the sampler; with `space == nil` (the first, file-order pass) grid values are not resolved.
    static func parse(_ node: ConfigNode?, space: SearchSpace?, root: ConfigNode) throws -> SamplerConfig {
        guard let node else { return .tpe(TPEOptions()) }
        let loose = try node.mapping(allowed: [], what: "a mapping such as {type: tpe, seed: 42}")
        let type = try loose.required("type", types.joined(separator: "|")).choice(types, what: "sampler type")
        switch type {
        case "random":
            let fields = try node.mapping(allowed: ["type", "seed"])
            return .random(seed: try seed(fields))
        case "grid":
            let fields = try node.mapping(allowed: ["type", "seed", "values"])
            let values = try space.map { try GridValues.resolve(fields["values"], space: $0, at: node) } ?? [:]
            return .grid(values: values, seed: try seed(fields))
        default:
            let fields = try node.mapping(allowed: tpeKeys)
            var options = TPEOptions(seed: try seed(fields))
            options.nStartupTrials = try fields["n_startup_trials"]?.int(atLeast: 0) ?? options.nStartupTrials
            options.nEICandidates = try fields["n_ei_candidates"]?.int(atLeast: 1) ?? options.nEICandidates
            options.multivariate = try fields["multivariate"]?.bool()
            options.constantLiar = try fields["constant_liar"]?.bool()
            options.considerMagicClip = try fields["consider_magic_clip"]?.bool() ?? options.considerMagicClip
            options.considerEndpoints = try fields["consider_endpoints"]?.bool() ?? options.considerEndpoints
            if let weight = fields["prior_weight"] {
                let value = try weight.double(what: "a weight > 0")
                guard value > 0 else { throw weight.error("expected a weight > 0, got \(value)") }
                options.priorWeight = value
            }
            return .tpe(options)
        }
    }

    private static func seed(_ fields: ConfigMapping) throws -> UInt64? {
        try fields["seed"].map { UInt64(try $0.int(atLeast: 0)) }
    }
}

/// Parses `pruner:` — `{type: median, n_startup_trials: 5, n_warmup_steps: 2}`, `{type: percentile,
/// percentile: 25}`, `{type: none}`.
enum PrunerParser {
    static let types = ["median", "percentile", "none"]
    static let optionKeys = ["type", "n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials"]

    static func parse(_ node: ConfigNode?, multiObjective: Bool, root: ConfigNode) throws -> PrunerConfig {
        guard let node else { return multiObjective ? .none : .median(PrunerOptions()) }
        let loose = try node.mapping(allowed: [], what: "a mapping such as {type: median}")
        let type = try loose.required("type", types.joined(separator: "|")).choice(types, what: "pruner type")
        if type == "none" {
            _ = try node.mapping(allowed: ["type"])
            return .none
        }
        if multiObjective {
            throw node.error("pruning needs a single objective; use {type: none} with several directions")
        }
        let fields = try node.mapping(allowed: type == "percentile" ? optionKeys + ["percentile"] : optionKeys)
        var options = PrunerOptions()
        options.nStartupTrials = try fields["n_startup_trials"]?.int(atLeast: 0) ?? options.nStartupTrials
        options.nWarmupSteps = try fields["n_warmup_steps"]?.int(atLeast: 0) ?? options.nWarmupSteps
        options.intervalSteps = try fields["interval_steps"]?.int(atLeast: 1) ?? options.intervalSteps
        options.nMinTrials = try fields["n_min_trials"]?.int(atLeast: 1) ?? options.nMinTrials
        guard type == "percentile" else { return .median(options) }
        let percentileNode = try fields.required("percentile", "a percentile in 0...100, e.g. 25")
        let percentile = try percentileNode.double(what: "a percentile in 0...100")
        guard (0...100).contains(percentile) else {
            throw percentileNode.error("expected a percentile in 0...100, got \(percentile)")
        }
        return .percentile(percentile, options)
    }
}

/// Parses `budget:` — `{trials: 200, timeout: 30m, parallel: 8, max_failures: 10, max_retries: 2}`.
enum BudgetParser {
    static let keys = ["trials", "timeout", "parallel", "max_failures", "max_retries", "trial_timeout"]

    static func parse(_ node: ConfigNode) throws -> BudgetConfig {
        let fields = try node.mapping(allowed: keys)
        var budget = BudgetConfig()
        budget.trials = try fields["trials"]?.int(atLeast: 1)
        budget.timeout = try fields["timeout"]?.duration()
        budget.parallel = try fields["parallel"]?.int(atLeast: 1)
        budget.maxFailures = try fields["max_failures"]?.int(atLeast: 0)
        budget.maxRetries = try fields["max_retries"]?.int(atLeast: 0) ?? budget.maxRetries
        budget.trialTimeout = try fields["trial_timeout"]?.duration()
        return budget
    }
}

/// Parses `data:` — `{source: idx:/usr/share/datasets/fashion-mnist, split: {validation: 0.1, stratify: label,
/// seed: 7}, features: [{scale: pixels}], rows: 20000}`.
enum DataParser {
    static func parse(_ node: ConfigNode) throws -> DataConfig {
        let fields = try node.mapping(allowed: ["source", "split", "features", "rows"])
        let sourceNode = try fields.required("source", "e.g. idx:/usr/share/datasets/fashion-mnist")
        let text = try sourceNode.string(what: "a source such as idx:/usr/share/datasets/fashion-mnist")
        guard text.hasPrefix("idx:"), text.count > 4 else {
            throw sourceNode.error("expected idx:<directory with IDX files>, got '\(text)'")
        }
        var config = DataConfig(source: .idx(directory: String(text.dropFirst(4))))
        if let split = fields["split"] {
            let splitFields = try split.mapping(allowed: ["validation", "stratify", "seed"])
            if let validation = splitFields["validation"] {
                let fraction = try validation.double(what: "a fraction in (0, 1)")
                guard fraction > 0, fraction < 1 else {
                    throw validation.error("expected a fraction in (0, 1), got \(fraction)")
                }
                config.validationFraction = fraction
            }
            if let stratify = splitFields["stratify"] {
                config.stratify = try stratify.choice(["label", "none"], what: "stratification") == "label"
            }
            if let seed = splitFields["seed"] { config.splitSeed = UInt64(try seed.int(atLeast: 0)) }
        }
        if let features = fields["features"] {
            for step in try features.list(what: "a list such as [{scale: pixels}]") {
                let stepFields = try step.mapping(allowed: ["scale"])
                let scale = try stepFields.required("scale", "pixels|standardize|none")
                    .choice(DataConfig.Scaling.allCases.map(\.rawValue), what: "scaling")
                config.scaling = DataConfig.Scaling(rawValue: scale) ?? .pixels
            }
        }
        if let rows = fields["rows"] { config.rows = try rows.int(atLeast: 10) }
        return config
    }
}
