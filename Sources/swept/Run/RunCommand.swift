import ArgumentParser
import Foundation
import Logging
import SweptConfig
import SweptCoordinator
import SweptStore
import SweptTuning
import SweptWire

/// `swept run CONFIG --workers N`: a whole study on this machine — the coordinator in this process, N local
/// worker processes, a live progress line, and the best trial at the end.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a study here: coordinator in-process, N local workers, live progress, the best trial at the end.",
        discussion: """
            The embedded default. Trials run in worker processes started from this executable (one BLAS \
            thread pool each), the study is stored in --store, and the coordinator listens on a free loopback \
            port with a fresh secret, so other machines cannot join (use `swept coordinator` for that). On a \
            terminal a live line shows complete / running / pruned / failed trials, the best value, trials per \
            second and the ETA of the budget; otherwise a plain line is logged as trials finish. Ctrl-C stops \
            the workers and leaves the study resumable with --resume.

            Examples:
              swept run study-configs/fashion-mlp-tpe.yaml --workers 2
              swept run study-configs/branin-random.yaml --workers 2 --store branin.db
              swept run study-configs/fashion-mlp-tpe.yaml --workers 2 --test   # then measure the best trial
                                                                                # once on the test split
            """)

    @Argument(help: "The study config (YAML).") var config: String
    @Option(help: "Local worker processes.") var workers: Int = 2
    @Option(help: "The study store (SQLite); created when missing.") var store: String = "swept.db"
    @Option(name: .customLong("blas-threads"), help: "OpenBLAS threads per worker (default: cores / workers).")
    var blasThreads: Int?
    @Flag(help: "Continue the study when the store has one of that name, instead of failing.") var resume = false
    @Option(help: "Override the config's trial budget.") var trials: Int?
    @Option(help: ArgumentHelp("Override the config's time budget (e.g. 9m, 1h30m, 600).", valueName: "duration"))
    var timeout: String?
    @Flag(help: "At the end, retrain the best trial (deterministic) and measure it once on the test split.")
    var test = false
    @Option(name: .customLong("log-level"),
            help: "Log level of the coordinator (stderr) and the workers (their log files).")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers: expected >= 1, got \(workers)") }
        if let blasThreads, blasThreads < 1 { throw ValidationError("--blas-threads: expected >= 1") }
        if let trials, trials < 1 { throw ValidationError("--trials: expected >= 1, got \(trials)") }
        if let timeout, (DurationText.seconds(timeout) ?? 0) <= 0 {
            throw ValidationError("--timeout: expected a duration such as 9m, 1h30m or 600, got '\(timeout)'")
        }
    }

    /// BLAS threads per worker.
    var threadsPerWorker: Int {
        blasThreads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
    }

    func run() async throws {
        try await CLIFailure.reporting {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CLIFailure.user("cannot read '\(config)': no such file or not readable")
            }
            let yaml = String(decoding: data, as: UTF8.self)
            var study = try StudyConfigParser.parse(yaml: yaml, file: config)
            // The workers run here: a dataset that is not here fails every trial, so say so before starting.
            if case .idx(let directory)? = study.data?.source {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
                      isDirectory.boolValue else {
                    throw CLIFailure.user("\(config): data.source: directory '\(directory)' does not exist here; "
                        + "expected the IDX files of the dataset (Fashion-MNIST: apt-get install dataset-fashion-mnist)")
                }
            }
            if let trials { study.budget.trials = trials }
            if let timeout { study.budget.timeout = DurationText.seconds(timeout) }
            ProcessLogging.bootstrap(level: logLevel)
            let session = try await LocalCluster.start(store: store, logLevel: logLevel)
            do {
                try await execute(study, yaml: yaml, session: session)
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            try await report(study)
        }
    }

    private func execute(_ study: StudyConfig, yaml: String, session: LocalCluster) async throws {
        if try session.store.study(named: study.name) != nil, !resume {
            throw CLIFailure.user("the store \(store) already has a study named '\(study.name)'; pass --resume to "
                + "continue it, or choose another --store")
        }
        // The spec goes as its canonical JSON so that --trials and --timeout apply; the objective still carries
        // the YAML text to the workers.
        let spec = StudySpec(config: study, yaml: yaml)
        let reply = try await session.call(.launchStudy(LaunchStudy(
            configText: spec.canonicalJSON.jsonText, format: .json, sourceName: config, resumeIfExists: resume)))
        guard case .studyLaunched(let launched) = reply else {
            throw CLIFailure.failure("the coordinator answered launchStudy with \(reply.name)")
        }
        let threads = threadsPerWorker
        emit("study \(launched.studyName) \(launched.created ? "created" : "resumed") in \(store); "
            + "\(workers) worker\(workers == 1 ? "" : "s") × \(threads) BLAS thread\(threads == 1 ? "" : "s"), "
            + "logs in \(session.directory)")
        let local = try LocalWorkers(count: workers, arguments: { index in
            ["--coordinator", session.url, "--secret-file", session.secretPath, "--study", study.name,
             "--id", "local-\(index)", "--blas-threads", "\(threads)", "--exit-when-idle", "2",
             "--term-grace", "5", "--log-level", "\(logLevel)",
             "--parent-pid", "\(ProcessInfo.processInfo.processIdentifier)"]
        }, directory: session.directory)
        let interrupted = InterruptFlag()
        let signals = TerminationSignals { _ in interrupted.set() }
        defer { withExtendedLifetime(signals) {} }
        let monitor = ProgressMonitor(study: study)
        while true {
            try? await Task.sleep(for: .milliseconds(500))
            if interrupted.isSet {
                monitor.finish()
                emit("interrupted: stopping the workers; the study stays resumable with --resume")
                await local.stop(grace: 10)
                throw ExitCode(130)
            }
            let summary = try await session.summary(of: study.name)
            monitor.show(summary)
            if summary.state != .running, summary.counts.running == 0 { break }
            if local.running == 0 {
                monitor.finish()
                let failures = local.failures().map { "worker \($0.index) exited with \($0.status):\n\($0.tail)" }
                throw CLIFailure.failure("every worker exited while the study still runs"
                    + (failures.isEmpty ? "" : "\n" + failures.joined(separator: "\n")))
            }
        }
        monitor.finish()
        await local.waitForExit(within: 10)
        await local.stop(grace: 5)
    }

    /// Prints the best trial, the store, and with --test the best trial's test metrics.
    private func report(_ study: StudyConfig) async throws {
        let source = try QueryOptions.storeSource(store)
        let record = try await source.requireStudy(study.name)
        let summary = try await source.summary(of: record.id)
        var allFailed = false
        let counts = SweptTuning.TrialState.allCases.map { "\(summary.counts[$0] ?? 0) \($0.rawValue.lowercased())" }
        emit("trials: " + counts.joined(separator: ", "))
        if record.directions.count > 1 {
            let front = try await source.bestTrials(in: record, limit: 1_000_000).map(\.trial)
            emit("Pareto front (\(front.count) trials):")
            emit(TrialPresentation.table(front, style: .standardOutput).rendered(style: .standardOutput))
        } else if let best = try await source.bestTrials(in: record, limit: 1).first?.trial {
            emit("best trial:")
            emit(BestCommand.block(record, best).rendered(style: .standardOutput))
            if test {
                try await BestTrialEvaluation.measure(study, trial: best, threads: threadsPerWorker)
            }
        } else {
            let failed = try await source.trials(in: record.id, states: [.fail]).map(\.trial)
            if let reason = failed.lazy.compactMap({ $0.systemAttributes["fail_reason"] }).first {
                emit("no trial completed; trial \(failed[0].number) failed: "
                    + TrialPresentation.json(reason).rendered())
                allFailed = true
            } else {
                emit("no trial completed")
            }
        }
        emit("store: \(store)  (swept best \(study.name) --store \(store); swept trials \(study.name) --store "
            + "\(store))")
        if allFailed { throw ExitCode(CLIFailure.Kind.failure.rawValue) }
    }
}

/// Set from a signal handler, read by the progress loop.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
