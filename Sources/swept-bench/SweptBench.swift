import ArgumentParser

/// `swept-bench`: prints measured figures, one `key=value` line per measurement. Release builds only.
@main
struct SweptBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swept-bench",
        abstract: "Measure swept: tuning, training, store and cluster figures.",
        subcommands: [
            StoreBench.self,
            CoreBench.self,
            ClusterBench.self,
            ClusterClients.self,
            TrainBenchmark.self,
            TPEBench.self,
            QualityBench.self,
        ]
    )
}
