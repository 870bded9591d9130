import ArgumentParser
import Foundation
import Logging
import SweptCoordinator
import SweptStore
import SweptWire

extension ClusterBench {
    /// Raw rate, then the coordinator, for each client count, in one run.
    func runCoordinator() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let sync = StoreOptions.Synchronous(rawValue: synchronous.uppercased()) ?? .normal
        let commit = try await CommitBench.microsecondsPerCommit(synchronous: sync)
        let logWrite = try CommitBench.microsecondsPerLogWrite(synchronous: sync)
        print("cluster commit store=\(synchronous) us_per_log_write=\(String(format: "%.1f", logWrite)) "
            + "us_per_sqlite_commit=\(Int(commit.rounded()))")
        let applyMillis = CoordinatorSettings.applyIntervalMillis(seconds: applyInterval)
            ?? CoordinatorSettings.defaultApplyIntervalMillis
        let perApply = ApplyBench.changesPerTransaction(intervalMillis: applyMillis)
        let apply = try await ApplyBench.microsecondsPerTrial(synchronous: sync, perApply: perApply)
        print("cluster apply store=\(synchronous) apply_interval_ms=\(applyMillis) changes_per_transaction=\(perApply) "
            + "us_per_trial=\(String(format: "%.1f", apply.perTrial)) "
            + "us_per_change=\(String(format: "%.2f", apply.perChange))")
        fflush(nil)
        if storeOnly { return }
        for count in clients {
            let handler = try await HandlerBench.measure(workers: count, seconds: seconds, synchronous: sync)
            print("cluster handler workers=\(count) rpc_per_s=\(Int(handler.rpcPerSecond)) commits=\(handler.commits)")
            fflush(nil)
        }
        for count in clients {
            let taskRate = try await Self.rawRate(clients: count, inflight: 1, seconds: seconds, contexts: contexts,
                                                  payload: payload, server: .tasks, inProcess: inProcess).rpcPerSecond
            print("cluster transport=nng-raw-tasks clients=\(count) rpc_per_s=\(Int(taskRate.rounded()))")
            // The raw echo and the coordinator alternate, `rounds` times each; every coordinator run is divided by
            // the raw run just before it, so a host that speeds up or slows down between the two sides moves one
            // round's ratio, and the median of the rounds is what `efficiency` reports.
            var pairs: [(raw: ClientLoad.Result, load: ClientLoad.Result, commits: Int)] = []
            for _ in 0..<rounds {
                let raw = try await Self.rawRate(clients: count, inflight: 1, seconds: seconds, contexts: contexts,
                                                 payload: payload, server: .callbacks, inProcess: inProcess)
                let (load, commits) = try await CoordinatorBench.measure(
                    workers: count, seconds: seconds, synchronous: sync, gather: !noGather,
                    placement: CommitPlacement(rawValue: commits) ?? .automatic, contexts: contexts,
                    applyIntervalMillis: applyMillis, inProcess: inProcess)
                pairs.append((raw, load, commits))
            }
            let ratios = pairs.map { $0.load.rpcPerSecond / $0.raw.rpcPerSecond }
            // The round whose ratio is the median stands for the run in the CPU and latency lines.
            let middle = pairs[ratios.indices.sorted { ratios[$0] < ratios[$1] }[(ratios.count - 1) / 2]]
            let rawRate = median(pairs.map(\.raw.rpcPerSecond))
            print("cluster transport=nng-raw clients=\(count) rpc_per_s=\(Int(rawRate.rounded()))")
            print("cluster transport=nng-raw clients=\(count) \(middle.raw.cpuFields)")
            let rounded = ratios.map { String(format: "%.2f", $0) }.joined(separator: ",")
            print("cluster workers=\(count) trials_per_s=\(Int(median(pairs.map(\.load.trialsPerSecond)))) "
                + "rpc_per_s=\(Int(median(pairs.map(\.load.rpcPerSecond)))) "
                + "efficiency=\(String(format: "%.2f", median(ratios))) efficiency_rounds=\(rounded)")
            let load = middle.load
            print("cluster workers=\(count) report_latency_p50_us=\(Int(load.p50 * 1e6)) "
                + "report_latency_p99_us=\(Int(load.p99 * 1e6)) acquire_p50_us=\(Int(load.acquireP50 * 1e6)) "
                + "finish_p50_us=\(Int(load.finishP50 * 1e6)) store=\(synchronous) "
                + "commits=\(middle.commits) pruned=\(load.pruned)")
            print("cluster workers=\(count) \(load.cpuFields)")
            fflush(nil)
        }
    }
}

/// Seconds since an arbitrary start, monotonic.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Simulated workers against an in-process coordinator over tcp loopback.
enum CoordinatorBench {
    /// What the clients measured, and the change-log writes the coordinator made meanwhile.
    typealias Result = (load: ClientLoad.Result, commits: Int)

    static func measure(workers: Int, seconds: Double, synchronous: StoreOptions.Synchronous, gather: Bool,
                        placement: CommitPlacement, contexts: Int, applyIntervalMillis: UInt32,
                        inProcess: Bool) async throws -> Result
    {
        let scratch = try ScratchDirectory("cluster")
        defer { scratch.remove() }
        let secretText = "swept-bench-cluster-secret-0123456789"
        let secret = try WireSecret(bytes: Array(secretText.utf8))
        let store = try StudyStore.open(at: scratch.file("bench.db"), options: StoreOptions(synchronous: synchronous))
        var logger = Logger(label: "swept.bench")
        logger.logLevel = .warning
        let settings = CoordinatorSettings(leaseTTLMillis: 30_000, contexts: contexts, gatherCommits: gather,
                                           commitPlacement: placement, applyIntervalMillis: applyIntervalMillis)
        let coordinator = try await Coordinator(store: store, settings: settings,
                                                secret: secret, logger: logger)
        let port = try coordinator.listen("tcp://127.0.0.1:0")
        let serving = Task { try await coordinator.run() }
        let codec = WireCodec(secret: secret)
        let launcher = try WireClient(url: "tcp://127.0.0.1:\(port)", codec: codec,
                                      identity: WireIdentity(senderID: "bench-cli"))
        let spec = """
            {"name": "bench", "direction": "minimize",
             "space": {"x": {"float": [-5, 5]}, "y": {"float": [-5, 5]}, "n": {"int": [1, 8]}},
             "sampler": {"type": "random", "seed": 1},
             "pruner": {"type": "median", "n_startup_trials": 5, "n_warmup_steps": 1},
             "objective": {"type": "test-function", "steps": 5}}
            """
        _ = try await launcher.call(.launchStudy(LaunchStudy(configText: spec, format: .json, sourceName: "bench.json")))
        launcher.close()

        let commitsBefore = coordinator.commitBatches
        let url = "tcp://127.0.0.1:\(port)"
        let load: ClientLoad.Result
        if inProcess {
            load = try await ClientLoad.workers(url: url, secret: secret, workers: workers, seconds: seconds)
        } else {
            let secretPath = scratch.file("secret")
            try secretText.write(toFile: secretPath, atomically: true, encoding: .utf8)
            load = try await ClientLoad.inChild([
                "--url", url, "--mode", "workers", "--clients", "\(workers)", "--seconds", "\(seconds)",
                "--secret-file", secretPath,
            ])
        }
        coordinator.shutdown()
        _ = try? await serving.value
        let commits = coordinator.commitBatches - commitsBefore
        try await store.close()
        return (load, commits)
    }
}

/// The cost of making one change durable alone: a one-report batch appended to the change log (what a reply waits
/// for), and a one-report SQLite commit through `StudyStore.applySynchronously` (what the applier batches).
enum CommitBench {
    static func microsecondsPerLogWrite(synchronous: StoreOptions.Synchronous, count: Int = 3_000) throws -> Double {
        let scratch = try ScratchDirectory("log")
        defer { scratch.remove() }
        let log = ChangeLog(storePath: scratch.file("log.db"), fsync: synchronous == .full)
        let start = monotonicSeconds()
        for step in 0..<count {
            try log.append(LoggedBatch(firstSequence: UInt64(step + 1), decidedAt: 0,
                                       mutations: [.report(trial: TrialID(rawValue: 1), step: step, value: 0.5)]))
        }
        let elapsed = monotonicSeconds() - start
        log.close(applied: UInt64(count))
        return elapsed / Double(count) * 1e6
    }

    static func microsecondsPerCommit(synchronous: StoreOptions.Synchronous, count: Int = 3_000) async throws -> Double {
        let scratch = try ScratchDirectory("commit")
        defer { scratch.remove() }
        let store = try StudyStore.open(at: scratch.file("commit.db"), options: StoreOptions(synchronous: synchronous))
        let study = try await store.createStudy(named: "commit")
        let trial = try await store.createTrial(in: study.id)
        let start = monotonicSeconds()
        for step in 0..<count {
            _ = try store.applySynchronously([.report(trial: trial.id, step: step, value: Double(step))])
        }
        let elapsed = monotonicSeconds() - start
        try await store.close()
        return elapsed / Double(count) * 1e6
    }
}

/// The coordinator's request handling alone (no transport): `workers` tasks call `Coordinator.handle` directly.
enum HandlerBench {
    static func measure(workers: Int, seconds: Double, synchronous: StoreOptions.Synchronous) async throws
        -> (rpcPerSecond: Double, commits: Int)
    {
        let scratch = try ScratchDirectory("handler")
        defer { scratch.remove() }
        let secret = try WireSecret(bytes: Array("swept-bench-cluster-secret-0123456789".utf8))
        let store = try StudyStore.open(at: scratch.file("handler.db"), options: StoreOptions(synchronous: synchronous))
        var logger = Logger(label: "swept.bench")
        logger.logLevel = .warning
        let coordinator = try await Coordinator(store: store, settings: CoordinatorSettings(leaseTTLMillis: 30_000),
                                                secret: secret, logger: logger)
        let serving = Task { try await coordinator.run() }
        let spec = """
            {"name": "h", "direction": "minimize", "space": {"x": {"float": [-5, 5]}},
             "pruner": {"type": "median", "n_startup_trials": 5, "n_warmup_steps": 1}}
            """
        _ = await coordinator.handle(WireRequest(header: WireHeader(senderID: "cli", incarnation: 1, requestID: 1),
                                                 body: .launchStudy(LaunchStudy(configText: spec, format: .json,
                                                                                sourceName: "h.json"))))
        let before = coordinator.commitBatches
        let start = monotonicSeconds()
        let deadline = start + seconds
        let total = await withTaskGroup(of: Int.self) { group in
            for index in 0..<workers {
                group.addTask {
                    var id: UInt64 = 1
                    func call(_ body: RequestBody) async -> ReplyBody {
                        id += 1
                        return await coordinator.handle(WireRequest(
                            header: WireHeader(senderID: "h\(index)", incarnation: 1, requestID: id), body: body))
                    }
                    _ = await call(.registerWorker(WorkerCapabilities(slots: 1, cores: 1, blasThreads: 1)))
                    var rpcs = 0
                    while monotonicSeconds() < deadline {
                        rpcs += 1
                        guard case .assigned(let trial) = await call(.acquireTrial(AcquireTrial(slot: 0))) else {
                            continue
                        }
                        for step in 0..<5 {
                            rpcs += 1
                            let reply = await call(.reportIntermediate(IntermediateReport(
                                trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, step: Int64(step),
                                value: Double(5 - step) + Double(index))))
                            if case .verdict(let v) = reply, v.decision == .prune { break }
                        }
                        rpcs += 1
                        _ = await call(.finishTrial(TrialFinish(trialID: trial.trialID, leaseEpoch: trial.leaseEpoch,
                                                                outcome: .complete(values: [Double(index)]))))
                    }
                    return rpcs
                }
            }
            return await group.reduce(0, +)
        }
        let elapsed = monotonicSeconds() - start
        let commits = coordinator.commitBatches - before
        coordinator.shutdown()
        _ = try? await serving.value
        try await store.close()
        return (Double(total) / elapsed, commits)
    }
}
