import ArgumentParser
import SweptLearn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swept-bench train`: sgemm rate, MLP epoch times against their sgemm bound, kernel vectorization, and (with
/// `--accuracy`) test accuracy after 10 epochs on Fashion-MNIST.
struct TrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Measure training speed (and accuracy) on Fashion-MNIST against the sgemm bound.",
        discussion: "Prints one key=value line per figure. Speed mode (default): sgemm 1024³ GFLOP/s, the fused "
            + "bias+relu kernel against a scalar-forced twin, and s/epoch of MLP 784-100-10 and 784-256-128-10 (relu, "
            + "Adam at 0.002 with cosine decay, batch 128) with bound_fraction = (epoch FLOPs / sgemm rate) / epoch "
            + "time, the median over the timed epochs of each epoch against the sgemm rate measured right before and "
            + "after it (sgemm_gflops: the median of those rates; after each of them the next epoch waits 0.2 s for "
            + "OpenBLAS's threads to stop spinning).\n\n"
            + "Accuracy mode (--accuracy): trains softmax regression and both MLPs for 10 epochs with each of --seeds "
            + "seeds and prints test accuracy on the 10k test images per seed, then the median, minimum and maximum "
            + "over the seeds (one seed's accuracy moves by ±0.004 with the last bits of training).\n\n"
            + "Examples:\n  swept-bench train --threads 2\n  swept-bench train --accuracy"
    )

    @Option(help: "OpenBLAS threads for sgemm and training.")
    var threads = 2

    @Option(help: "Timed epochs per model in speed mode (the median is reported).")
    var epochs = 5

    @Option(help: "Directory with Fashion-MNIST's IDX files.")
    var data = FashionMNIST.defaultDirectory

    @Flag(help: "Train 10 epochs per model and print test accuracy instead of speed figures.")
    var accuracy = false

    @Option(help: "Epochs in accuracy mode.")
    var accuracyEpochs = 10

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Split each step over the run's threads (single-threaded sgemm per thread; the default, as in training), or "
            + "let OpenBLAS thread the products (--no-split-steps) (TrainingConfiguration.splitsSteps)."))
    var splitSteps = true

    /// The learning-rate schedule of the benchmark recipe.
    enum Schedule: String, ExpressibleByArgument, CaseIterable {
        case cosine, constant
    }

    @Option(help: "Adam's learning rate (the peak of the cosine schedule).")
    var learningRate: Float = 0.002

    @Option(help: "Learning-rate schedule over the run: cosine (decay to 0 by the last step) or constant.")
    var schedule: Schedule = .cosine

    @Option(help: "Accuracy mode: train each model with this many seeds (--seed, --seed + 1, …); print the median.")
    var seeds = 5

    @Option(help: "Seed for initialization, shuffling and dropout.")
    var seed: UInt64 = 42

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads \(threads): expected at least 1") }
        guard epochs >= 1 else { throw ValidationError("--epochs \(epochs): expected at least 1 timed epoch") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate \(learningRate): expected a positive number")
        }
        guard seeds >= 1 else { throw ValidationError("--seeds \(seeds): expected at least 1") }
        guard accuracyEpochs >= 1 else {
            throw ValidationError("--accuracy-epochs \(accuracyEpochs): expected at least 1")
        }
    }

    func run() throws {
        try BLAS.setThreadCount(threads)
        emit("blas core=\(BLAS.coreName) threads=\(BLAS.threadCount)")
        let train = try FashionMNIST.load(directory: data, split: .train)
        if accuracy {
            let test = try FashionMNIST.load(directory: data, split: .test)
            try measureAccuracy(train: train, test: test)
        } else {
            try measureSpeed(train: train)
        }
    }

    private func configuration(epochs: Int, seed: UInt64) -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.epochs = epochs
        config.batchSize = 128
        config.learningRate = learningRate
        config.schedule = schedule == .cosine ? .cosine() : .constant
        config.optimizer = .adam()
        config.threads = threads
        config.seed = seed
        config.splitsSteps = splitSteps
        return config
    }

    private func measureSpeed(train: Dataset) throws {
        let gflops = try KernelBenchmark.sgemmGFLOPS(n: 1024, repetitions: 10)
        emit("sgemm n=1024 threads=\(threads) gflops=\(fixed(gflops, 1))")
        let vector = KernelBenchmark.vectorization()
        emit(
            "kernel name=bias-relu elements=\(vector.elements) vector_gelem_s=\(fixed(vector.vectorRate, 2)) "
                + "scalar_gelem_s=\(fixed(vector.scalarRate, 2)) speedup=\(fixed(vector.speedup, 1))")
        for (name, hidden) in [("mlp-100", [100]), ("mlp-256-128", [256, 128])] {
            var network = try NeuralNetwork.mlp(inputCount: 784, hidden: hidden, classes: 10, seed: seed)
            // One untimed warm-up epoch, then `epochs` timed ones. After every epoch (outside its timing) the
            // sgemm rate is measured again, so each epoch is compared with the rate the two cores gave right
            // before and right after it (the higher of the two: the stricter bound). On a shared host that rate
            // moves by 2× within seconds, and one rate from the start of the run would compare an epoch with
            // conditions it never saw.
            var rates: [Double] = []
            let trainer = try Trainer(configuration: configuration(epochs: epochs + 1, seed: seed))
            let result = try trainer.fit(&network, training: train) { _ in
                rates.append(try KernelBenchmark.sgemmGFLOPS(n: 1024, repetitions: 3))
                // OpenBLAS's own threads, woken by that measurement, spin for ≈ 2²⁸ cycles (≈ 0.1 s) before they
                // sleep, and would take turns on the two cores with the next epoch's steps; training itself wakes
                // none of them (its steps and validation run on its own thread team). So the next epoch starts
                // once they sleep.
                usleep(200_000)
                return .proceed
            }
            let flops = network.trainingFLOPsPerRow * Double(train.rowCount)
            var seconds: [Double] = []
            var bounds: [Double] = []
            var fractions: [Double] = []
            var paired: [Double] = []
            for (offset, epoch) in result.history.dropFirst().enumerated() {
                let rate = max(rates[offset], rates[offset + 1])
                let bound = flops / (rate * 1e9)
                seconds.append(epoch.seconds)
                bounds.append(bound)
                fractions.append(bound / epoch.seconds)
                paired.append(rate)
            }
            let epochSeconds = median(seconds)
            emit(
                "train model=\(name) threads=\(threads) s_per_epoch=\(fixed(epochSeconds, 3)) "
                    + "gflops=\(fixed(flops / epochSeconds / 1e9, 1)) bound_s=\(fixed(median(bounds), 3)) "
                    + "bound_fraction=\(fixed(median(fractions), 2)) "
                    + "sgemm_gflops=\(fixed(median(paired), 1))")
        }
    }


    private func measureAccuracy(train: Dataset, test: Dataset) throws {
        let models: [(String, (UInt64) throws -> NeuralNetwork)] = [
            ("softmax", { _ in try NeuralNetwork.softmaxRegression(inputCount: 784, classes: 10) }),
            ("mlp-100", { try NeuralNetwork.mlp(inputCount: 784, hidden: [100], classes: 10, seed: $0) }),
            ("mlp-256-128", { try NeuralNetwork.mlp(inputCount: 784, hidden: [256, 128], classes: 10, seed: $0) }),
        ]
        for (name, make) in models {
            var accuracies: [Double] = []
            for runSeed in (0..<UInt64(seeds)).map({ seed &+ $0 }) {
                var network = try make(runSeed)
                let result = try Trainer(configuration: configuration(epochs: accuracyEpochs, seed: runSeed))
                    .fit(&network, training: train)
                let metrics = try network.evaluate(test)
                let accuracy = metrics["accuracy"] ?? .nan
                accuracies.append(accuracy)
                let seconds = result.history.map(\.seconds).reduce(0, +) / Double(max(result.history.count, 1))
                emit(
                    "accuracy model=\(name) threads=\(threads) epochs=\(result.history.count) seed=\(runSeed) "
                        + "test_accuracy=\(fixed(accuracy, 4)) test_loss=\(fixed(metrics["loss"] ?? .nan, 4)) "
                        + "s_per_epoch=\(fixed(seconds, 3))")
            }
            emit(
                "accuracy model=\(name) threads=\(threads) epochs=\(accuracyEpochs) seeds=\(seeds) "
                    + "median_test_accuracy=\(fixed(median(accuracies), 4)) "
                    + "min_test_accuracy=\(fixed(accuracies.min() ?? .nan, 4)) "
                    + "max_test_accuracy=\(fixed(accuracies.max() ?? .nan, 4))")
        }
    }
}

/// Prints one figure line and flushes, so piped output arrives as it is measured.
private func emit(_ line: String) {
    print(line)
    fflush(nil)
}

/// Fixed-point text for a figure, without Foundation.
private func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    } else if digits > 0 {
        text += "." + String(repeating: "0", count: digits)
    }
    return text
}
