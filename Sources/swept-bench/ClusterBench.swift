import ArgumentParser
import Foundation
import Logging
import SweptCoordinator
import SweptStore
import SweptWire
import Synchronization

/// `swept-bench cluster`: tiny trials through a real coordinator on tcp loopback, against raw nng REQ/REP.
struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Trials/s and RPC/s through a coordinator on tcp loopback, and efficiency against raw nng.",
        discussion: """
            For each worker count: first raw nng REQ/REP echo with the same number of clients, then simulated
            workers (register, acquire, 5 reports, finish) against a coordinator with a random sampler and a
            median pruner over a scratch store. Prints one line per measurement, e.g.
              cluster transport=nng-raw clients=2 rpc_per_s=9000
              cluster workers=2 trials_per_s=1200 rpc_per_s=8400 efficiency=0.93
              cluster workers=2 report_latency_p50_us=210 report_latency_p99_us=540
            """)

    @Option(help: "Comma-separated worker (client) counts.")
    var workers: String = "2,8"

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 3

    @Option(help: "Store durability during the run: full, normal or off.")
    var synchronous: String = "normal"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let counts = workers.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--workers must list positive counts, e.g. 2,8")
        }
        guard let sync = StoreOptions.Synchronous(rawValue: synchronous.uppercased()) else {
            throw ValidationError("--synchronous is '\(synchronous)'; expected full, normal or off")
        }
        for count in counts {
            let raw = try await RawTransportBench.measure(clients: count, seconds: seconds)
            print("cluster transport=nng-raw clients=\(count) rpc_per_s=\(Int(raw))")
            let result = try await CoordinatorBench.measure(workers: count, seconds: seconds, synchronous: sync)
            let efficiency = result.rpcPerSecond / raw
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

/// Raw nng REQ/REP: an echo server on a pool of contexts, `clients` REQ sockets each with one request in flight.
enum RawTransportBench {
    static func measure(clients: Int, seconds: Double) async throws -> Double {
        let server = try WireSocket(.reply, options: SocketOptions(sendTimeout: .seconds(5), receiveTimeout: nil))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let contexts = try (0..<64).map { _ in try server.makeContext() }
        let serving = Task {
            await withTaskGroup(of: Void.self) { group in
                for context in contexts {
                    group.addTask {
                        while let request = try? await context.receive(timeout: nil).bytes {
                            try? await context.send(bytes: request)
import SweptWire
import Synchronization

/// `swept-bench cluster --raw`: the raw nng REQ/REP rate on tcp loopback and the codec cost per message.
struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Measure the cluster transport: raw nng REQ/REP rate and codec cost (release builds).",
        discussion: """
            Prints `cluster transport=nng-raw clients=N rpc_per_s=X` for each client count (each client is its own \
            REQ socket with `--inflight` requests in flight, default 1 like a worker; the REP side serves with a \
            pool of contexts), \
            then `codec encoding=… message=… bytes=… ns_per_message=…` lines: encode + HMAC sign + HMAC verify + \
            decode of one message, binary and JSON.

            Example: swept-bench cluster --raw --clients 2 --clients 8 --seconds 3
            """
    )

    @Flag(help: "Measure the raw transport and the codec (the coordinator figures need SweptCoordinator).")
    var raw = false

    @Option(help: "Client counts to measure (repeat the option).")
    var clients: [Int] = [2, 8]

    @Option(help: "Seconds to measure each client count.")
    var seconds: Double = 2

    @Option(help: "Contexts serving on the REP side.")
    var contexts: Int = 16

    @Option(help: "Requests each client keeps in flight (one context each), pipelined on its connection.")
    var inflight: Int = 1

    @Option(help: "Request payload size in bytes (a report message is about 110).")
    var payload: Int = 110

    @Option(help: "Round trips per codec measurement (JSON runs a quarter of them).")
    var codecIterations: Int = 200_000

    func validate() throws {
        guard raw else {
            throw ValidationError("the coordinator figures come with SweptCoordinator; pass --raw for the transport")
        }
        guard clients.allSatisfy({ $0 > 0 }), seconds > 0, contexts > 0, inflight > 0, payload >= 0 else {
            throw ValidationError(
                "--clients, --seconds, --contexts and --inflight must be positive, --payload not negative")
        }
    }

    func run() async throws {
        for count in clients {
            let rate = try await Self.rawRate(
                clients: count, inflight: inflight, seconds: seconds, contexts: contexts,
                payload: payload)
            let pipelined = inflight > 1 ? " inflight=\(inflight)" : ""
            print("cluster transport=nng-raw clients=\(count)\(pipelined) rpc_per_s=\(Int(rate.rounded()))")
        }
        for line in try CodecBench.lines(iterations: max(codecIterations, 40)) { print(line) }
    }

    /// Requests per second of `clients` sequential REQ sockets against one echoing REP socket.
    static func rawRate(clients: Int, inflight: Int, seconds: Double, contexts: Int, payload: Int) async throws
        -> Double
    {
        let server = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let pool = try (0..<contexts).map { _ in try server.makeContext() }
        let serving = Task {
            await withTaskGroup(of: Void.self) { group in
                for context in pool {
                    group.addTask {
                        while let request = try? await context.receive() {
                            try? await context.send(request)
                        }
                    }
                }
            }
        }
        let payload = [UInt8](repeating: 7, count: 96)
        let sockets = try (0..<clients).map { _ in try WireSocket(.request) }
        for socket in sockets { try socket.dial("tcp://127.0.0.1:\(port)") }
        let deadline = monotonicSeconds() + seconds
        let start = monotonicSeconds()
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for socket in sockets {
                group.addTask {
                    let context = try socket.makeContext()
                    var done = 0
                    while monotonicSeconds() < deadline {
                        _ = try await context.request(payload, timeout: .seconds(5))
                        done += 1
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = monotonicSeconds() - start
        for socket in sockets { socket.close() }
        server.close()
        serving.cancel()
        _ = await serving.value
        return Double(total) / elapsed
    }
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

    static func measure(workers: Int, seconds: Double, synchronous: StoreOptions.Synchronous) async throws -> Result {
        let directory = NSTemporaryDirectory() + "swept-bench-cluster-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = try WireSecret(bytes: Array("swept-bench-cluster-secret-0123456789".utf8))
        let store = try StudyStore.open(at: directory + "/bench.db", options: StoreOptions(synchronous: synchronous))
        var logger = Logger(label: "swept.bench")
        logger.logLevel = .warning
        let coordinator = try await Coordinator(store: store, settings: CoordinatorSettings(leaseTTLMillis: 30_000),
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
        let commitsBefore = store.commitStatistics.batches
        let start = monotonicSeconds()
        let deadline = start + seconds
        let outcomes = try await withThrowingTaskGroup(of: (trials: Int, rpcs: Int, pruned: Int, latencies: [Double]).self) { group in
            for client in clients {
                group.addTask {
                    var trials = 0
                    var rpcs = 0
                    var pruned = 0
                    var latencies: [Double] = []
                    latencies.reserveCapacity(100_000)
                    while monotonicSeconds() < deadline {
                        let reply = try await client.call(.acquireTrial(AcquireTrial(slot: 0)))
                        rpcs += 1
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
                            latencies.append(monotonicSeconds() - sent)
                            rpcs += 1
                            if case .verdict(let v) = verdict, v.decision == .prune {
                                outcome = .pruned
                                pruned += 1
                                break
                            }
                        }
                        _ = try await client.call(.finishTrial(TrialFinish(
                            trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, outcome: outcome)))
                        rpcs += 1
                        trials += 1
                    }
                    return (trials, rpcs, pruned, latencies)
                }
            }
            var all: [(trials: Int, rpcs: Int, pruned: Int, latencies: [Double])] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = monotonicSeconds() - start
        for client in clients { client.close() }
        coordinator.shutdown()
        _ = try? await serving.value
        let commits = store.commitStatistics.batches - commitsBefore
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
        defer {
            server.close()
            serving.cancel()
        }
        let sockets = try (0..<clients).map { _ in try WireSocket(.request) }
        defer { for socket in sockets { socket.close() } }
        for socket in sockets { try socket.dial("tcp://127.0.0.1:\(port)") }
        let body = [UInt8](repeating: 0x5A, count: payload)
        let flags = RunFlags()
        let clock = ContinuousClock()
        let elapsed = try await withThrowingTaskGroup(of: Void.self) { group -> Duration in
            for socket in sockets {
                for context in try (0..<inflight).map({ _ in try socket.makeContext() }) {
                    group.addTask {
                        while !flags.stop.load(ordering: .relaxed) {
                            _ = try await context.request(body)
                            if flags.measuring.load(ordering: .relaxed) { flags.completed.add(1, ordering: .relaxed) }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(300))  // warm up: connections, thread pools
            let start = clock.now
            flags.measuring.store(true, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            flags.measuring.store(false, ordering: .relaxed)
            let elapsed = clock.now - start
            flags.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
            return elapsed
        }
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(flags.completed.load(ordering: .relaxed)) / secondsElapsed
    }
}

/// Shared counters of one measurement.
private final class RunFlags: Sendable {
    let completed = Atomic<Int>(0)
    let measuring = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
}
