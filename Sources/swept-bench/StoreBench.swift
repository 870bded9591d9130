import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SweptStore
import SweptTuning

/// `swept-bench store`: group-commit throughput, query latency, open-and-rebuild time and file size of the store.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure the study store: report throughput, best/top-k latency, open time, bytes per trial.",
        discussion: """
            Prints lines like `store op=report_batch rows_per_s=180000`. Writes a temporary store under --dir.
            Example: swept-bench store --trials 100000
            """
    )

    @Option(help: "Trials in the large study (5 params + 5 intermediate values each).")
    var trials = 100_000

    @Option(help: "Intermediate values written in the report benchmark.")
    var reports = 200_000

    @Option(help: "Concurrent reporters in the report benchmark.")
    var reporters = 64

    @Option(help: "Directory for the temporary store files.")
    var dir = "/tmp"

    @Flag(help: "Keep the large study's store file (printed) for inspection.")
    var keep = false

    @Option(help: "Only measure opening and rebuilding the study 'large' of an existing store (kept by --keep).")
    var reopen: String?

    func run() async throws {
        if let reopen {
            try openAndRestore(path: reopen)
            return
        }
        let path = "\(dir)/swept-bench-store-\(getpid()).db"
        defer { if !keep { for suffix in ["", "-wal", "-shm", ".lock"] { unlink(path + suffix) } } }
        try await reportBatch(path: path)
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        try await largeStudy(path: path)
    }

    /// Intermediate-value writes through group commit with synchronous=FULL: reports carrying several steps
    /// (`report_batch`), single-step reports from many concurrent reporters (`report_concurrent`), and one
    /// reporter waiting for each commit (`report_single`).
    func reportBatch(path: String) async throws {
        let store = try StudyStore.open(at: path)
        let study = try await store.createStudy(named: "reports")
        var ids: [TrialID] = []
        for _ in 0..<reporters { ids.append(try await store.createTrial(in: study.id).id) }
        let stepsPerCall = 20
        let calls = max(1, reports / reporters / stepsPerCall)
        var before = store.commitStatistics
        var start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for trial in ids {
                group.addTask {
                    for call in 0..<calls {
                        let steps = (0..<stepsPerCall).map { (step: call * stepsPerCall + $0, value: 0.5) }
                        try await store.reportIntermediates(trial, steps)
                    }
                }
            }
            try await group.waitForAll()
        }
        var rows = calls * stepsPerCall * reporters
        print("store op=report_batch rows_per_s=\(Int(Double(rows) / (now() - start)))")
        print("store op=report_batch_commits rows=\(rows) rows_per_call=\(stepsPerCall) reporters=\(reporters) "
            + "commits=\(store.commitStatistics.batches - before.batches) sync=FULL")

        let offset = calls * stepsPerCall
        let perReporter = max(1, reports / reporters / 4)
        before = store.commitStatistics
        start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for trial in ids {
                group.addTask {
                    for step in offset..<(offset + perReporter) {
                        try await store.reportIntermediate(trial, step: step, value: 0.5)
                    }
                }
            }
            try await group.waitForAll()
        }
        rows = perReporter * reporters
        print("store op=report_concurrent rows_per_s=\(Int(Double(rows) / (now() - start))) reporters=\(reporters) "
            + "commits=\(store.commitStatistics.batches - before.batches) sync=FULL")

        let single = ids[0]
        let singleStart = now()
        for step in (offset + perReporter)..<(offset + perReporter + 300) {
            try await store.reportIntermediate(single, step: step, value: 0.5)
        }
        print("store op=report_single rows_per_s=\(Int(300 / (now() - singleStart))) sync=FULL")
        try await store.close()
    }

    /// A study of `trials` trials: writing it, best/top-10 queries, reopening and rebuilding, bytes per trial.
    func largeStudy(path: String) async throws {
        // Measure from a file that holds the schema and the empty study (closing checkpoints the WAL into it), as
        // scripts/bench/optuna-store-bytes.py does after create_study; otherwise the schema's pages, still in the
        // WAL, would be counted as trial bytes.
        let creator = try StudyStore.open(at: path)
        let study = try await creator.createStudy(named: "large")
        try await creator.close()
        let sizeBefore = fileSize(path)
        let writer = try StudyStore.open(at: path)
        let space: [String: Distribution] = [
            "x0": .float(try FloatDistribution(low: -5, high: 5)), "x1": .float(try FloatDistribution(low: -5, high: 5)),
            "x2": .float(try FloatDistribution(low: -5, high: 5)),
            "n": .int(try IntDistribution(low: 1, high: 256, log: true)),
            "act": .categorical(try CategoricalDistribution(choices: ["relu", "tanh", "gelu"])),
        ]
        var rng = TuningRandom(seed: 7)
        var batch: [FrozenTrial] = []
        let writeStart = now()
        for i in 0..<trials {
            let x = (0..<3).map { _ in Double.random(in: -5...5, using: &rng) }
            let value = x.reduce(0) { $0 + $1 * $1 }
            var steps: [Int: Double] = [:]
            for step in 0..<5 { steps[step] = value / Double(step + 1) }
            batch.append(FrozenTrial(
                number: i, state: .complete, values: [value],
                params: ["x0": .float(x[0]), "x1": .float(x[1]), "x2": .float(x[2]), "n": .int(1 + i % 256),
                         "act": .string(["relu", "tanh", "gelu"][i % 3])],
                distributions: space, intermediateValues: steps,
                startedAt: 1_800_000_000 + Double(i), completedAt: 1_800_000_000.5 + Double(i)))
            if batch.count == 256 || i == trials - 1 {
                let current = batch
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for trial in current { group.addTask { _ = try await writer.addTrial(trial, to: study.id) } }
                    try await group.waitForAll()
                }
                batch.removeAll(keepingCapacity: true)
            }
        }
        print("store op=add_trial trials=\(trials) trials_per_s=\(Int(Double(trials) / (now() - writeStart)))")

        let store = writer
        let bestMs = try median(runs: 101) { _ = try store.bestTrial(in: study.id) }
        print("store op=best_trial trials=\(trials) ms=\(format(bestMs))")
        let topMs = try median(runs: 101) { _ = try store.bestTrials(in: study.id, limit: 10) }
        print("store op=top10 trials=\(trials) ms=\(format(topMs))")
        let stepMs = try median(runs: 11) { _ = try store.completedValues(in: study.id, atStep: 2) }
        print("store op=completed_values_at_step trials=\(trials) ms=\(format(stepMs))")
        let countMs = try median(runs: 11) { _ = try store.trialCounts(in: study.id) }
        print("store op=counts_by_state trials=\(trials) ms=\(format(countMs))")
        try await store.close()

        try openAndRestore(path: path)
        let bytes = Double(fileSize(path) - sizeBefore) / Double(trials)
        if keep { print("kept \(path)") }
        print("store op=bytes_per_trial trials=\(trials) bytes=\(Int(bytes.rounded()))")
    }

    /// Opens the store and rebuilds a coordinator's in-memory study from it.
    func openAndRestore(path: String) throws {
        let openStart = now()
        let cpuStart = cpuNow()
        let store = try StudyStore.open(at: path)
        let openedAt = now()
        guard let record = try store.study(named: "large") else { throw ValidationError("study 'large' vanished") }
        let loaded = try store.loadStudy(record.id)
        let loadedAt = now()
        let rebuilt = try Study(directions: loaded.study.directions)
        try rebuilt.restore(loaded.trials)
        let end = now()
        let cpu = cpuNow() - cpuStart
        print("store op=open trials=\(loaded.trials.count) ms=\(format((end - openStart) * 1000))")
        print("store op=open_parts trials=\(loaded.trials.count) open_ms=\(format((openedAt - openStart) * 1000)) "
            + "load_ms=\(format((loadedAt - openedAt) * 1000)) "
            + "restore_ms=\(format((end - loadedAt) * 1000)) cpu_ms=\(format(cpu * 1000))")
        withExtendedLifetime(store) {}
    }

    private func median(runs: Int, _ body: () throws -> Void) throws -> Double {
        try body()  // warm the page cache and statement cache
        var times: [Double] = []
        for _ in 0..<runs {
            let start = now()
            try body()
            times.append((now() - start) * 1000)
        }
        return times.sorted()[runs / 2]
    }

    private func format(_ ms: Double) -> String {
        ms >= 100 ? String(Int(ms.rounded())) : String((ms * 100).rounded() / 100)
    }

    private func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU time of the whole process: on a loaded machine it shows the work apart from waiting for a core.
    private func cpuNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
