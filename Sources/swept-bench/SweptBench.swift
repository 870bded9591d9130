import ArgumentParser

/// `swept-bench`: prints measured figures, one `key=value` line per measurement. Release builds only.
@main
struct SweptBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swept-bench",
        abstract: "Measure swept: tuning, training, store and cluster figures.",
        subcommands: [
            ClusterBench.self,
            StoreBench.self,
            CoreBench.self,
            TPEBench.self,
            QualityBench.self,
        ]
    )
}
