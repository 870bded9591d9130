import Foundation
import SweptWire
import Synchronization

/// The client half of `swept-bench cluster`: REQ sockets that keep one request each in flight against a server,
/// either raw payloads (the echo measurement) or simulated workers (register, then acquire, 5 reports, finish).
/// It runs in the benchmark's own process or, by default, in a child process (`swept-bench cluster-clients`),
/// as workers do on a real cluster: then the server's work and the clients' do not share a process, its nng
/// threads and its cooperative pool.
enum ClientLoad {
    /// CPU seconds (user + system, every thread) this process has used so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Context switches (voluntary + involuntary, every thread) this process has made so far.
    static func processContextSwitches() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_nvcsw + usage.ru_nivcsw
    }

    struct Result {
        var rpcPerSecond = 0.0
        var trialsPerSecond = 0.0
        var pruned = 0
        var p50 = 0.0
        var p99 = 0.0
        var acquireP50 = 0.0
        var finishP50 = 0.0
        /// Every request sent, warm-up included.
        var totalRequests = 0
        /// CPU seconds (user + system) the client process used in all.
        var clientCPUSeconds = 0.0
        /// CPU seconds the serving process used while the clients ran (set by the parent).
        var serverCPUSeconds = 0.0
        /// Context switches of the serving process while the clients ran (set by the parent).
        var serverSwitches = 0

        /// `cpu_us_per_request server=… clients=…` (child-process clients only: the two sides are apart).
        var cpuFields: String {
            guard totalRequests > 0, clientCPUSeconds > 0 else { return "cpu_us_per_request=n/a (in-process)" }
            let per = { (seconds: Double) in String(format: "%.1f", seconds / Double(totalRequests) * 1e6) }
            let switches = String(format: "%.1f", Double(serverSwitches) / Double(totalRequests))
            return "cpu_us_per_request server=\(per(serverCPUSeconds)) clients=\(per(clientCPUSeconds)) "
                + "server_switches_per_request=\(switches)"
        }

        /// `clients key=value …`, what the child prints and the parent parses.
        var line: String {
            "clients rpc_per_s=\(rpcPerSecond) trials_per_s=\(trialsPerSecond) pruned=\(pruned) p50=\(p50) "
                + "p99=\(p99) acquire_p50=\(acquireP50) finish_p50=\(finishP50) requests=\(totalRequests) "
                + "cpu_s=\(clientCPUSeconds)"
        }

        init() {}

        init(line: String) throws {
            var fields: [String: String] = [:]
            for part in line.split(separator: " ").dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            func number(_ key: String) throws -> Double {
                guard let text = fields[key], let value = Double(text) else {
                    throw ClientLoadError("client process line lacks \(key): \(line)")
                }
                return value
            }
            rpcPerSecond = try number("rpc_per_s")
            trialsPerSecond = try number("trials_per_s")
            pruned = Int(try number("pruned"))
            p50 = try number("p50")
            p99 = try number("p99")
            acquireP50 = try number("acquire_p50")
            finishP50 = try number("finish_p50")
            totalRequests = Int(try number("requests"))
            clientCPUSeconds = try number("cpu_s")
        }
    }

    /// Raw REQ/REP: `clients` sockets, each with `inflight` contexts sending `payload` bytes in a loop.
    static func raw(url: String, clients: Int, inflight: Int, seconds: Double, payload: Int) async throws -> Result {
        let sockets = try (0..<clients).map { _ in try WireSocket(.request) }
        defer { for socket in sockets { socket.close() } }
        for socket in sockets { try socket.dial(url) }
        let body = [UInt8](repeating: 0x5A, count: payload)
        let flags = LoadFlags()
        let clock = ContinuousClock()
        let elapsed = try await withThrowingTaskGroup(of: Void.self) { group -> Duration in
            for socket in sockets {
                for context in try (0..<inflight).map({ _ in try socket.makeContext() }) {
                    group.addTask {
                        while !flags.stop.load(ordering: .relaxed) {
                            _ = try await context.request(body)
                            flags.total.add(1, ordering: .relaxed)
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
        var result = Result()
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        result.rpcPerSecond = Double(flags.completed.load(ordering: .relaxed)) / secondsElapsed
        result.totalRequests = flags.total.load(ordering: .relaxed)
        return result
    }

    /// Simulated workers against a coordinator that runs a study of tiny trials (5 reports each).
    static func workers(url: String, secret: WireSecret, workers: Int, seconds: Double) async throws -> Result {
        let codec = WireCodec(secret: secret)
        let clients = try (0..<workers).map { index in
            try WireClient(url: url, codec: codec, identity: WireIdentity(senderID: "bench-\(index)"))
        }
        defer { for client in clients { client.close() } }
        for client in clients {
            _ = try await client.call(.registerWorker(WorkerCapabilities(slots: 1, cores: 1, blasThreads: 1)))
        }
        // Warm up for 0.3 s (connections, thread pools); count trials started in [start, deadline).
        let start = monotonicSeconds() + 0.3
        let deadline = start + seconds
        let outcomes = try await withThrowingTaskGroup(of: WorkerOutcome.self) { group in
            for client in clients {
                group.addTask { try await simulateWorker(client, start: start, deadline: deadline) }
            }
            var all: [WorkerOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = max(outcomes.map(\.lastFinish).max() ?? deadline, start + 0.001) - start
        func percentile(_ p: Double, _ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let reports = outcomes.flatMap(\.reports)
        var result = Result()
        result.trialsPerSecond = Double(outcomes.reduce(0) { $0 + $1.trials }) / elapsed
        result.rpcPerSecond = Double(outcomes.reduce(0) { $0 + $1.rpcs }) / elapsed
        result.pruned = outcomes.reduce(0) { $0 + $1.pruned }
        result.p50 = percentile(0.5, reports)
        result.p99 = percentile(0.99, reports)
        result.acquireP50 = percentile(0.5, outcomes.flatMap(\.acquires))
        result.finishP50 = percentile(0.5, outcomes.flatMap(\.finishes))
        result.totalRequests = outcomes.reduce(0) { $0 + $1.allRequests } + workers
        return result
    }

    private struct WorkerOutcome: Sendable {
        var trials = 0
        var rpcs = 0
        var allRequests = 0
        var pruned = 0
        var reports: [Double] = []
        var acquires: [Double] = []
        var finishes: [Double] = []
        var lastFinish: Double
    }

    private static func simulateWorker(_ client: WireClient, start: Double, deadline: Double) async throws
        -> WorkerOutcome
    {
        var outcome = WorkerOutcome(lastFinish: start)
        outcome.reports.reserveCapacity(100_000)
        while monotonicSeconds() < deadline {
            let counting = monotonicSeconds() >= start
            var trialRPCs = 0
            var trialReports: [Double] = []
            let asked = monotonicSeconds()
            let reply = try await client.call(.acquireTrial(AcquireTrial(slot: 0)))
            let acquired = monotonicSeconds() - asked
            trialRPCs += 1
            guard case .assigned(let trial) = reply else { continue }
            let x = trial.parameters.compactMap { p -> Double? in
                if case .double(let v) = p.value { return v }
                return nil
            }.reduce(0) { $0 + $1 * $1 }
            var result = TrialOutcome.complete(values: [x])
            for step in 0..<5 {
                let sent = monotonicSeconds()
                let verdict = try await client.call(.reportIntermediate(IntermediateReport(
                    trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, step: Int64(step),
                    value: x + Double(4 - step))))
                trialReports.append(monotonicSeconds() - sent)
                trialRPCs += 1
                if case .verdict(let v) = verdict, v.decision == .prune {
                    result = .pruned
                    break
                }
            }
            let finishing = monotonicSeconds()
            _ = try await client.call(.finishTrial(TrialFinish(
                trialID: trial.trialID, leaseEpoch: trial.leaseEpoch, outcome: result)))
            let finished = monotonicSeconds() - finishing
            trialRPCs += 1
            outcome.allRequests += trialRPCs
            guard counting else { continue }
            outcome.trials += 1
            outcome.rpcs += trialRPCs
            if result == .pruned { outcome.pruned += 1 }
            outcome.reports += trialReports
            outcome.acquires.append(acquired)
            outcome.finishes.append(finished)
            outcome.lastFinish = monotonicSeconds()
        }
        return outcome
    }

    /// Runs `swept-bench cluster-clients` with `arguments` in a child process and returns what it measured.
    static func inChild(_ arguments: [String]) async throws -> Result {
        let cpuBefore = processCPUSeconds()
        let switchesBefore = processContextSwitches()
        let process = Process()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.executableURL = executable
        // Started through the dynamic loader (`ld-linux… --library-path … swept-bench`, e.g. a bundle on another
        // machine)? Then /proc/self/exe is the loader: hand it the program again (LD_LIBRARY_PATH is inherited).
        let viaLoader = executable.lastPathComponent.hasPrefix("ld-linux")
        process.arguments = (viaLoader ? [CommandLine.arguments[0]] : []) + ["cluster-clients"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").last(where: {
            $0.hasPrefix("clients ")
        }) else {
            throw ClientLoadError("the client process exited \(process.terminationStatus): \(text)")
        }
        var result = try Result(line: String(line))
        result.serverCPUSeconds = processCPUSeconds() - cpuBefore
        result.serverSwitches = processContextSwitches() - switchesBefore
        return result
    }
}

struct ClientLoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Shared counters of one raw measurement.
private final class LoadFlags: Sendable {
    let completed = Atomic<Int>(0)
    let total = Atomic<Int>(0)
    let measuring = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
}
