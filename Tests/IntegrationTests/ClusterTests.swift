import Foundation
import SweptStore
import SweptTuning
import Testing

/// Checks that every acknowledged report and finish in `acks` is in `trials`; returns the missing lines.
func missingAcknowledgements(_ acks: [String], in trials: [StoredTrial]) -> [String] {
    let byID = Dictionary(trials.map { ($0.ref.id.rawValue, $0.trial) }, uniquingKeysWith: { first, _ in first })
    return acks.filter { line in
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count >= 3, let id = Int64(fields[1]), let trial = byID[id] else { return true }
        switch fields[0] {
        case "report":
            guard fields.count == 4, let step = Int(fields[2]), let value = Double(fields[3]) else { return true }
            return trial.intermediateValues[step] != value
        case "finish":
            switch fields[2] {
            case "COMPLETE":
                guard fields.count == 4, let value = Double(fields[3]) else { return true }
                return trial.state != .complete || trial.values != [value]
            case "PRUNED": return trial.state != .pruned
            default: return trial.state != .fail
            }
        default:
            return true
        }
    }
}

@Suite("Cluster with real processes", .serialized)
struct ClusterTests {
    @Test("three workers complete exactly N trials and the store matches what they reported")
    func threeWorkers() async throws {
        let cluster = try ScratchCluster("three")
        try await cluster.startCoordinator()
        let n = 30
        try await cluster.launch(testStudySpec(name: "three", trials: n, steps: 4, sleepMillis: 5), name: "three")
        let workers = try (1...3).map { try cluster.startWorker("w\($0)", extra: ["--exit-when-idle", "3"]) }
        for worker in workers {
            let status = await worker.wait(timeout: 90)
            #expect(status == 0, "worker \(worker.name) did not exit cleanly: \(worker.log)")
        }
        let trials = try await cluster.settledTrials("three") { $0.filter { $0.trial.state == .complete }.count == n }
        #expect(trials.filter { $0.trial.state == .complete }.count == n)
        #expect(trials.count == n)
        #expect(Set(trials.map(\.trial.number)) == Set(0..<n))
        for stored in trials where stored.trial.state == .complete {
            let expected = stored.trial.params.values.compactMap(\.doubleValue).reduce(0) { $0 + ($1 - 2) * ($1 - 2) }
            #expect(abs((stored.trial.value ?? .nan) - expected) < 1e-9)
            #expect(stored.trial.intermediateValues.count == 4)
        }
        let acks = cluster.allAcks()
        #expect(acks.filter { $0.hasPrefix("finish") }.count == n)
        #expect(missingAcknowledgements(acks, in: trials).isEmpty)
        // Every worker did some of the work.
        for id in ["w1", "w2", "w3"] { #expect(!cluster.acks(id).isEmpty, "worker \(id) ran nothing") }
        await cluster.stop()
    }

    @Test("SIGKILL a worker mid-trial 20 times: each lost trial is detected within the lease TTL and retried")
    func killWorkers() async throws {
        let ttl = 1.0
        let cluster = try ScratchCluster("kill-workers", leaseTTL: ttl, heartbeat: 0.25)
        try await cluster.startCoordinator()
        let n = 24
        try await cluster.launch(testStudySpec(name: "kills", trials: n, steps: 8, sleepMillis: 40, maxRetries: 30),
                                 name: "kills")
        var kills: [(trialID: Int64, at: Double)] = []
        for round in 0..<20 {
            let id = "victim-\(round)"
            let victim = try cluster.startWorker(id)
            let reported = await eventually(timeout: 20, poll: 10) {
                cluster.acks(id).contains { $0.hasPrefix("report") }
            }
            try #require(reported, "victim \(round) never reported: \(victim.log)")
            let lastTrial = try #require(cluster.acks(id).last?.split(separator: " ").dropFirst().first
                .flatMap { Int64($0) })
            victim.kill9()
            kills.append((lastTrial, SystemClock.now()))
        }
        let finishers = try (1...2).map { try cluster.startWorker("finisher-\($0)", extra: ["--exit-when-idle", "3"]) }
        for worker in finishers {
            let status = await worker.wait(timeout: 120)
            #expect(status == 0, "worker \(worker.name): \(worker.log)")
        }
        _ = try await cluster.settledTrials("kills") { $0.filter { $0.trial.state == .complete }.count == n }
        let store = try cluster.readStore()
        let study = try #require(try store.study(named: "kills"))
        let trials = try store.trials(in: study.id)
        #expect(trials.filter { $0.trial.state == .complete }.count == n)
        #expect(Set(trials.map(\.trial.number)).count == trials.count, "duplicate trial numbers")
        let lost = trials.filter { $0.trial.state == .fail }
        #expect(lost.count == 20)
        for trial in lost {
            #expect(trial.trial.systemAttributes["fail_reason"] == .string("lost"))
            #expect(trials.contains { $0.trial.systemAttributes["retry_of"] == .int(trial.trial.number) },
                    "lost trial \(trial.trial.number) was not retried")
        }
        let events = try store.events(after: 0, limit: 100_000).filter { $0.kind == "lease.lost" }
        for kill in kills {
            let event = try #require(events.first { $0.trial?.rawValue == kill.trialID },
                                     "no lease.lost event for trial id \(kill.trialID)")
            #expect(event.at - kill.at <= ttl + 1.0, "lost trial detected \(event.at - kill.at) s after the kill")
        }
        await cluster.stop()
    }

    @Test("SIGKILL the coordinator mid-study and restart it: the study finishes, acknowledged values survive")
    func killCoordinator() async throws {
        let cluster = try ScratchCluster("kill-coordinator", leaseTTL: 2, heartbeat: 0.4)
        try await cluster.startCoordinator()
        let n = 40
        try await cluster.launch(testStudySpec(name: "phoenix", trials: n, steps: 5, sleepMillis: 20),
                                 name: "phoenix")
        let workers = try (1...3).map { try cluster.startWorker("p\($0)", extra: ["--exit-when-idle", "4"]) }
        let progressed = await eventually(timeout: 60) {
            try cluster.trials("phoenix").filter { $0.trial.state == .complete }.count >= 10
        }
        #expect(progressed)
        cluster.coordinator?.kill9()
        try await Task.sleep(for: .milliseconds(500))
        try await cluster.startCoordinator()
        for worker in workers {
            let status = await worker.wait(timeout: 120)
            #expect(status == 0, "worker \(worker.name): \(worker.log)")
        }
        let trials = try await cluster.settledTrials("phoenix") { $0.filter { $0.trial.state == .complete }.count == n }
        #expect(trials.filter { $0.trial.state == .complete }.count == n)
        #expect(Set(trials.map(\.trial.number)).count == trials.count)
        #expect(!trials.contains { $0.trial.state == .running || $0.trial.state == .waiting })
        let missing = missingAcknowledgements(cluster.allAcks(), in: trials)
        #expect(missing.isEmpty, "acknowledged but not in the store: \(missing.prefix(5))")
        // The killed coordinator left its change log; the restarted one replayed it into the store.
        let restartLog = cluster.coordinator?.log ?? ""
        #expect(restartLog.contains("change-log file"), "no change-log replay at restart: \(restartLog)")
        await cluster.stop()
    }

    @Test("a worker with the wrong secret is refused and changes nothing")
    func wrongSecret() async throws {
        let cluster = try ScratchCluster("secret")
        try await cluster.startCoordinator()
        try await cluster.launch(testStudySpec(name: "guarded", trials: 5, steps: 2, sleepMillis: 0), name: "guarded")
        let wrong = cluster.directory + "/wrong.secret"
        try "a-completely-different-secret-xyz\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let intruder = try cluster.startWorker("intruder", secretPath: wrong, extra: ["--exit-when-idle", "1"])
        let status = await intruder.wait(timeout: 30)
        #expect(status != nil && status != 0, "a worker with the wrong secret must fail: \(intruder.log)")
        #expect(intruder.log.contains("secret"), "the error should name the secret: \(intruder.log)")
        let store = try cluster.readStore()
        #expect(try store.workers().isEmpty)
        #expect(try cluster.trials("guarded").isEmpty)
        await cluster.stop()
    }

    @Test("the coordinator refuses an --apply-interval outside 0–60 s, naming the option, and creates no store")
    func applyIntervalRange() throws {
        let cluster = try ScratchCluster("apply-interval")
        for bad in ["-1", "61", "nan"] {
            let run = try QueryCommandTests.swept([
                "coordinator", "--store", cluster.storePath, "--secret-file", cluster.secretPath,
                "--listen", "tcp://127.0.0.1:0", "--apply-interval=\(bad)",
            ])
            #expect(run.status != 0, "--apply-interval \(bad) must be refused")
            #expect(run.stderr.contains("--apply-interval") && run.stderr.contains("expected 0 to 60 seconds"),
                    "\(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cluster.storePath))
    }
}

@Suite("Worker shutdown with real processes", .serialized)
struct WorkerShutdownTests {
    @Test("SIGTERM mid-trial: the worker releases its trial and exits 0; another worker finishes it")
    func sigtermReleases() async throws {
        let cluster = try ScratchCluster("sigterm")
        try await cluster.startCoordinator()
        try await cluster.launch(testStudySpec(name: "graceful", trials: 2, steps: 20, sleepMillis: 100),
                                 name: "graceful")
        let leaving = try cluster.startWorker("leaving", extra: ["--term-grace", "0.2"])
        let reported = await eventually(timeout: 20, poll: 20) { cluster.acks("leaving").contains { $0.hasPrefix("report") } }
        try #require(reported, "worker never reported: \(leaving.log)")
        leaving.terminate()
        let status = await leaving.wait(timeout: 20)
        #expect(status == 0, "a SIGTERMed worker must exit 0: \(leaving.log)")
        let released = try #require(cluster.trials("graceful").first)
        #expect(released.trial.state == .running, "a released trial stays RUNNING for the next worker")
        let store = try cluster.readStore()
        let releasedLease = await eventually(timeout: 15, poll: 20) {
            try store.lease(of: released.ref.id)?.state == .released
        }
        #expect(releasedLease)
        let finisher = try cluster.startWorker("finisher", extra: ["--exit-when-idle", "2"])
        #expect(await finisher.wait(timeout: 60) == 0, "\(finisher.log)")
        let trials = try await cluster.settledTrials("graceful") {
            $0.count == 2 && $0.allSatisfy { $0.trial.state == .complete }
        }
        #expect(trials.count == 2)
        #expect(trials.allSatisfy { $0.trial.state == .complete })
        #expect(!trials.contains { $0.trial.state == .fail }, "a release is not a failure")
        await cluster.stop()
    }

    @Test("SIGTERM with enough grace: the running trial finishes before the worker exits")
    func sigtermFinishes() async throws {
        let cluster = try ScratchCluster("sigterm-finish")
        try await cluster.startCoordinator()
        try await cluster.launch(testStudySpec(name: "patient", trials: 5, steps: 5, sleepMillis: 60), name: "patient")
        let worker = try cluster.startWorker("patient", extra: ["--term-grace", "10"])
        let reported = await eventually(timeout: 20, poll: 20) { cluster.acks("patient").contains { $0.hasPrefix("report") } }
        try #require(reported)
        worker.terminate()
        #expect(await worker.wait(timeout: 20) == 0, "\(worker.log)")
        let trials = try await cluster.settledTrials("patient") { $0.first?.trial.state == .complete }
        #expect(trials.count == 1, "a draining worker takes no new trial")
        #expect(trials.first?.trial.state == .complete)
        await cluster.stop()
    }
}
