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
        fflush(nil)
        for count in clients {
            let handler = try await HandlerBench.measure(workers: count, seconds: seconds, synchronous: sync)
            print("cluster handler workers=\(count) rpc_per_s=\(Int(handler.rpcPerSecond)) commits=\(handler.commits)")
            fflush(nil)
        }
        for count in clients {
            let taskRate = try await Self.rawRate(clients: count, inflight: 1, seconds: seconds, contexts: contexts,
                                                  payload: payload, server: .tasks)
            print("cluster transport=nng-raw-tasks clients=\(count) rpc_per_s=\(Int(taskRate.rounded()))")
            let rawRate = try await Self.rawRate(clients: count, inflight: 1, seconds: seconds, contexts: contexts,
                                                 payload: payload, server: .callbacks)
            print("cluster transport=nng-raw clients=\(count) rpc_per_s=\(Int(rawRate.rounded()))")
            fflush(nil)
            let result = try await CoordinatorBench.measure(
                workers: count, seconds: seconds, synchronous: sync, gather: !noGather,
                placement: CommitPlacement(rawValue: commits) ?? .automatic, contexts: contexts)
            let efficiency = result.rpcPerSecond / rawRate
            print("cluster workers=\(count) trials_per_s=\(Int(result.trialsPerSecond)) "
                + "rpc_per_s=\(Int(result.rpcPerSecond)) efficiency=\(String(format: "%.2f", efficiency))")
            print("cluster workers=\(count) report_latency_p50_us=\(Int(result.p50 * 1e6)) "
                + "report_latency_p99_us=\(Int(result.p99 * 1e6)) store=\(synchronous) "
                + "commits=\(result.commits) pruned=\(result.pruned)")
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
    struct Result {
        var trialsPerSecond: Double
        var rpcPerSecond: Double
        var p50: Double
        var p99: Double
        var commits: Int
        var pruned: Int
    }

    static func measure(workers: Int, seconds: Double, synchronous: StoreOptions.Synchronous, gather: Bool,
                        placement: CommitPlacement, contexts: Int) async throws -> Result
    {
        let directory = NSTemporaryDirectory() + "swept-bench-cluster-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = try WireSecret(bytes: Array("swept-bench-cluster-secret-0123456789".utf8))
        let store = try StudyStore.open(at: directory + "/bench.db", options: StoreOptions(synchronous: synchronous))
        var logger = Logger(label: "swept.bench")
        logger.logLevel = .warning
        let settings = CoordinatorSettings(leaseTTLMillis: 30_000, contexts: contexts, gatherCommits: gather,
                                           commitPlacement: placement)
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

        let clients = try (0..<workers).map { index in
            try WireClient(url: "tcp://127.0.0.1:\(port)", codec: codec, identity: WireIdentity(senderID: "bench-\(index)"))
        }
        for client in clients {
            _ = try await client.call(.registerWorker(WorkerCapabilities(slots: 1, cores: 1, blasThreads: 1)))
        }
        let commitsBefore = coordinator.commitBatches
        // Warm up for 0.3 s (connections, thread pools); count trials started in [start, deadline).
        let start = monotonicSeconds() + 0.3
        let deadline = start + seconds
        typealias Outcome = (trials: Int, rpcs: Int, pruned: Int, latencies: [Double], lastFinish: Double)
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for client in clients {
                group.addTask {
                    var trials = 0
                    var rpcs = 0
                    var pruned = 0
                    var latencies: [Double] = []
                    var lastFinish = start
                    latencies.reserveCapacity(100_000)
                    while monotonicSeconds() < deadline {
                        let counting = monotonicSeconds() >= start
                        var trialRPCs = 0
                        var trialLatencies: [Double] = []
                        let reply = try await client.call(.acquireTrial(AcquireTrial(slot: 0)))
                        trialRPCs += 1
                        guard case .assigned(let trial) = reply else { continue }
                        let x = trial.parameters.compactMap { p -> Double? in
                            if case .double(let v) = p.value { return v }
                            return nil
                        }.reduce(0) { $0 + $1 * $1 }
                        var outcome = TrialOutcome.complete(values: [x])
                        for step in 0..<5 {
                            let sent = monotonicSeconds()
                            let verdict = try await client.call(.reportIntermediate(IntermediateReport(
                                trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, step: Int64(step),
                                value: x + Double(4 - step))))
                            trialLatencies.append(monotonicSeconds() - sent)
                            trialRPCs += 1
                            if case .verdict(let v) = verdict, v.decision == .prune {
                                outcome = .pruned
                                break
                            }
                        }
                        _ = try await client.call(.finishTrial(TrialFinish(
                            trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, outcome: outcome)))
                        trialRPCs += 1
                        guard counting else { continue }
                        trials += 1
                        rpcs += trialRPCs
                        if outcome == .pruned { pruned += 1 }
                        latencies += trialLatencies
                        lastFinish = monotonicSeconds()
                    }
                    return (trials, rpcs, pruned, latencies, lastFinish)
                }
            }
            var all: [Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = max(outcomes.map(\.lastFinish).max() ?? deadline, start + 0.001) - start
        for client in clients { client.close() }
        coordinator.shutdown()
        _ = try? await serving.value
        let commits = coordinator.commitBatches - commitsBefore
        try await store.close()
        let latencies = outcomes.flatMap(\.latencies).sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return Result(
            trialsPerSecond: Double(outcomes.reduce(0) { $0 + $1.trials }) / elapsed,
            rpcPerSecond: Double(outcomes.reduce(0) { $0 + $1.rpcs }) / elapsed,
            p50: percentile(0.5), p99: percentile(0.99), commits: commits,
            pruned: outcomes.reduce(0) { $0 + $1.pruned })
    }
}

/// The cost of making one change durable alone: a one-report batch appended to the change log (what a reply waits
/// for), and a one-report SQLite commit through `StudyStore.applySynchronously` (what the applier batches).
enum CommitBench {
    static func microsecondsPerLogWrite(synchronous: StoreOptions.Synchronous, count: Int = 3_000) throws -> Double {
        let directory = NSTemporaryDirectory() + "swept-bench-log-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = ChangeLog(storePath: directory + "/log.db", fsync: synchronous == .full)
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
        let directory = NSTemporaryDirectory() + "swept-bench-commit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StudyStore.open(at: directory + "/commit.db", options: StoreOptions(synchronous: synchronous))
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
        let directory = NSTemporaryDirectory() + "swept-bench-handler-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = try WireSecret(bytes: Array("swept-bench-cluster-secret-0123456789".utf8))
        let store = try StudyStore.open(at: directory + "/handler.db", options: StoreOptions(synchronous: synchronous))
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
