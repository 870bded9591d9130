import ArgumentParser
import SweptTuning

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swept-bench tpe`: TPE's cost per trial (ask + 9 suggests + tell) at study sizes 100, 1,000 and 10,000.
///
/// The space: 6 floats in [−5, 5], a log float in [1e-5, 1e-1], a log int in [1, 256], a 3-way categorical;
/// the objective is trivial. One study is grown by TPE itself (defaults, seed 1); at each checkpoint n the
/// next 20 trials are timed and their mean printed, then the study keeps growing to the next checkpoint.
/// By default the time is the benchmark thread's CPU time (`--clock wall` for wall time): on a shared, busy
/// machine wall time mostly measures the other processes.
struct TPEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpe", abstract: "TPE ms per trial (ask + 9 suggests + tell) at n = 100, 1000, 10000.")

    @Option(help: "Comma-separated study sizes to measure at.")
    var sizes = "100,1000,10000"

    @Option(help: "Trials timed at each size.")
    var repeats = 20

    @Option(help: "Sampler seed.")
    var seed: UInt64 = 1

    @Option(help: "Clock: 'cpu' (this thread's CPU time: robust on a busy shared machine) or 'wall'.")
    var clock = "cpu"

    func run() throws {
        let checkpoints = sizes.split(separator: ",").compactMap { Int($0) }.sorted()
        let study = Study(direction: .minimize, sampler: TPESampler(seed: seed), pruner: NopPruner())
        let choices: [ParamValue] = [.string("relu"), .string("tanh"), .string("gelu")]
        func oneTrial() throws {
            let trial = try study.ask()
            var sum = 0.0
            for i in 0..<6 {
                let x = try trial.suggestFloat("x\(i)", low: -5, high: 5)
                sum += x * x
            }
            let lr = try trial.suggestFloat("lr", low: 1e-5, high: 1e-1, log: true)
            let units = try trial.suggestInt("units", low: 1, high: 256, log: true)
            let act = try trial.suggestCategorical("act", choices: choices)
            sum += abs(log10(lr) + 3) + abs(Double(units) - 64) / 64 + (act == .string("tanh") ? 0 : 0.5)
            _ = try study.tell(trial, value: sum)
        }
        for n in checkpoints {
            while study.trials.count < n { try oneTrial() }
            let start = Self.now(clock)
            for _ in 0..<repeats { try oneTrial() }
            let ms = (Self.now(clock) - start) * 1000 / Double(repeats)
            print("tpe n=\(n) d=9 ms_per_trial=\(Self.format(ms))")
            fflush(nil)
        }
    }

    /// Seconds on `clock` ("cpu": the calling thread's CPU time; otherwise monotonic wall time).
    static func now(_ clock: String = "wall") -> Double {
        var ts = timespec()
        clock_gettime(clock == "cpu" ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func format(_ x: Double) -> String {
        let scaled = (x * 1000).rounded() / 1000
        var s = String(scaled)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < 3 { s += String(repeating: "0", count: 3 - decimals) }
        }
        return s
    }
}
