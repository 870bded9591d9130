import ArgumentParser
import SweptTuning

/// `swept-bench quality`: median best value of TPE and random search on the standard test functions.
///
/// Each (function, sampler) pair runs `trials` trials for each of `seeds` seeds (0, 1, …) and prints the
/// median over seeds of the best value found, one line each.
struct QualityBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Median best of TPE and random on branin, hartmann6, rosenbrock10, styblinski8 and mixed.")

    @Option(help: "Trials per run.")
    var trials = 200

    @Option(help: "Seeds per function and sampler.")
    var seeds = 10

    @Option(help: "Comma-separated function names (default: all).")
    var functions = ""

    @Flag(help: "Also print each seed's best value (to compare distributions, e.g. with Optuna's).")
    var perSeed = false

    func run() throws {
        let selected = functions.isEmpty
            ? TestFunctions.all : functions.split(separator: ",").compactMap { TestFunctions.named(String($0)) }
        for function in selected {
            for samplerName in ["tpe", "random"] {
                var bests: [Double] = []
                for seed in 0..<seeds {
                    let sampler: any Sampler = samplerName == "tpe"
                        ? TPESampler(seed: UInt64(seed)) : RandomSampler(seed: UInt64(seed))
                    bests.append(try Self.best(function, sampler: sampler, trials: trials))
                    if perSeed {
                        let label = "quality function=\(function.name) sampler=\(samplerName)"
                        print("\(label) seed=\(seed) best=\(bests[seed])")
                    }
                }
                let medianBest = median(bests)
                print("quality function=\(function.name) sampler=\(samplerName) trials=\(trials) seeds=\(seeds) "
                    + "median_best=\(Self.format(medianBest))")
            }
        }
    }

    /// The best value one run finds.
    static func best(_ function: TestFunction, sampler: any Sampler, trials: Int) throws -> Double {
        let study = Study(direction: .minimize, sampler: sampler, pruner: NopPruner())
        var best = Double.infinity
        for _ in 0..<trials {
            let trial = try study.ask()
            var params: [String: ParamValue] = [:]
            for (name, distribution) in function.space { params[name] = try trial.suggest(name, distribution) }
            let value = function.evaluate(params)
            best = min(best, value)
            _ = try study.tell(trial, values: [value])
        }
        return best
    }

    /// Four significant digits.
    static func format(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "\(x)" }
        var digits = 3
        var magnitude = abs(x)
        while magnitude >= 10 && digits > 0 { magnitude /= 10; digits -= 1 }
        while magnitude < 1 && digits < 12 { magnitude *= 10; digits += 1 }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        var s = String((x * scale).rounded() / scale)
        if s.hasSuffix(".0") && digits == 0 { s.removeLast(2) }
        return s
    }
}
