import Foundation
import SweptConfig
import SweptCoordinator
import SweptStore
import SweptTuning
import SweptWire
import Testing

@Suite("Coordinator protocol")
struct CoordinatorProtocolTests {
    @Test("a trial is leased, reported, finished, and the store holds it")
    func lifecycle() async throws {
        let h = try await Harness()
        try await h.launch("life", trials: 1)
        await h.register("w1")
        let assignment = try #require(await h.acquire("w1"))
        #expect(assignment.number == 0)
        #expect(assignment.leaseEpoch == 1)
        #expect(Set(assignment.parameters.map(\.name)) == ["n", "x"])
        for step in 0..<3 {
            let reply = await h.send(.reportIntermediate(IntermediateReport(
                trialID: assignment.trialID, leaseEpoch: 1, step: Int64(step), value: Double(3 - step))))
            #expect(reply.decision == .continue)
        }
        let finish = await h.send(.finishTrial(TrialFinish(trialID: assignment.trialID, leaseEpoch: 1,
                                                           outcome: .complete(values: [1.0]))))
        #expect(finish == .acknowledged)
        let trials = try await h.readTrials("life")
        #expect(trials.count == 1)
        #expect(trials.first?.trial.state == .complete)
        #expect(trials.first?.trial.intermediateValues == [0: 3, 1: 2, 2: 1])
        // The budget of one trial is used: nothing more to hand out.
        let next = await h.send(.acquireTrial(AcquireTrial(slot: 0, study: "life", waitMillis: 0)))
        #expect(next == .noTrial(NoTrial(reason: .studyFinished, retryAfterMillis: 100)))
    }

    #if os(Linux)
    @Test("the applier thread carries its name into the OS, where top -H and perf show it")
    func applierThreadIsNamed() async throws {
        let h = try await Harness()
        try await h.launch("named", trials: 1)
        await h.register("w1")
        _ = try #require(await h.acquire("w1"))  // logged changes: the applier thread starts
        // The thread names itself as its first step, which may run just after the reply: look for up to 0.5 s
        // (it lingers 1 s with nothing to apply before it exits).
        var names: [String] = []
        for _ in 0..<50 {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
            names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if names.contains("swept-apply") { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(names.contains("swept-apply"), "\(names)")
    }
    #endif

    @Test("a duplicate request id replays the cached reply and assigns nothing twice")
    func duplicateReplays() async throws {
        let h = try await Harness()
        try await h.launch("dup", trials: 5)
        await h.register("w1")
        let body = RequestBody.acquireTrial(AcquireTrial(slot: 0, study: nil, waitMillis: 0))
        let first = await h.send(body, requestID: 1000)
        let second = await h.send(body, requestID: 1000)
        #expect(first == second)
        // Concurrent duplicates also share one execution.
        async let a = h.coordinator.handle(WireRequest(header: WireHeader(senderID: "w1", incarnation: 1, requestID: 2000), body: body))
        async let b = h.coordinator.handle(WireRequest(header: WireHeader(senderID: "w1", incarnation: 1, requestID: 2000), body: body))
        let (ra, rb) = await (a, b)
        #expect(ra == rb)
        #expect(try await h.readTrials("dup").count == 2)
    }

    @Test("a stale lease epoch gets revoked and changes nothing")
    func staleEpoch() async throws {
        let h = try await Harness()
        try await h.launch("stale", trials: 3)
        await h.register("w1")
        let assignment = try #require(await h.acquire("w1"))
        let stale = await h.send(.reportIntermediate(IntermediateReport(
            trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch + 1, step: 0, value: 1)))
        #expect(stale.decision == .revoked)
        let staleFinish = await h.send(.finishTrial(TrialFinish(
            trialID: assignment.trialID, leaseEpoch: 99, outcome: .complete(values: [0]))))
        #expect(staleFinish.decision == .revoked)
        let other = await h.send(.reportIntermediate(IntermediateReport(
            trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch, step: 0, value: 1)), from: "w2")
        #expect(other.errorCode == .notRegistered)
        let trial = try #require(try await h.readTrials("stale").first)
        #expect(trial.trial.state == .running)
        #expect(trial.trial.intermediateValues.isEmpty)
    }

    @Test("an expired lease fails the trial as lost and retries its parameters with retry_of")
    func expiryRetries() async throws {
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 300, heartbeatIntervalMillis: 100))
        try await h.launch("expire", trials: 2, maxRetries: 1)
        await h.register("w1")
        let lost = try #require(await h.acquire("w1"))
        let expired = await eventually(timeout: 10) { try await h.readTrials("expire").first?.trial.state == .fail }
        #expect(expired)
        let late = await h.send(.reportIntermediate(IntermediateReport(
            trialID: lost.trialID, leaseEpoch: lost.leaseEpoch, step: 0, value: 1)))
        #expect(late.decision == .revoked)
        await h.register("w2")
        let retry = try #require(await h.acquire("w2"))
        #expect(retry.number == 1)
        #expect(retry.parameters == lost.parameters)
        let trials = try await h.readTrials("expire")
        #expect(trials[0].trial.state == .fail)
        #expect(trials[0].trial.systemAttributes["fail_reason"] == .string("lost"))
        #expect(trials[1].trial.systemAttributes["retry_of"] == .int(0))
    }

    @Test("heartbeats keep a lease alive past its TTL")
    func heartbeatsExtend() async throws {
        let clock = ManualClock()
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 1_000, heartbeatIntervalMillis: 200),
                                  clock: clock)
        try await h.launch("beat", trials: 2)
        await h.register("w1")
        let assignment = try #require(await h.acquire("w1"))
        let lease = TrialLease(trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch)
        for _ in 0..<8 {
            clock.advance(by: 0.6)
            try await Task.sleep(for: .milliseconds(30))
            let ack = await h.send(.heartbeat(Heartbeat(leases: [lease])))
            #expect(ack == .heartbeatAck(HeartbeatAck(leaseTTLMillis: 1_000, verdicts: [
                TrialVerdict(trialID: assignment.trialID, decision: .continue),
            ])))
        }
        let finish = await h.send(.finishTrial(TrialFinish(trialID: assignment.trialID, leaseEpoch: 1,
                                                           outcome: .complete(values: [2]))))
        #expect(finish == .acknowledged)
        // Without heartbeats the next lease expires once the clock passes its deadline.
        let silent = try #require(await h.acquire("w1"))
        clock.advance(by: 1.5)
        let lost = await eventually(timeout: 10) { try await h.readTrials("beat")[1].trial.state == .fail }
        #expect(lost)
        let late = await h.send(.heartbeat(Heartbeat(leases: [TrialLease(trialID: silent.trialID, leaseEpoch: 1)])))
        #expect(late == .heartbeatAck(HeartbeatAck(leaseTTLMillis: 1_000, verdicts: [
            TrialVerdict(trialID: silent.trialID, decision: .revoked),
        ])))
    }

    @Test("stopping a study tells running trials to stop at their next report and heartbeat")
    func stopStudy() async throws {
        let h = try await Harness()
        try await h.launch("halt", trials: 10)
        await h.register("w1")
        let assignment = try #require(await h.acquire("w1"))
        #expect(await h.send(.stopStudy(StudyReference(study: "halt")), from: "cli") == .acknowledged)
        let report = await h.send(.reportIntermediate(IntermediateReport(
            trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch, step: 0, value: 1)))
        #expect(report.decision == .stop)
        let beat = await h.send(.heartbeat(Heartbeat(leases: [TrialLease(trialID: assignment.trialID,
                                                                          leaseEpoch: assignment.leaseEpoch)])))
        #expect(beat == .heartbeatAck(HeartbeatAck(leaseTTLMillis: 20_000, verdicts: [
            TrialVerdict(trialID: assignment.trialID, decision: .stop),
        ])))
        #expect(await h.acquire("w1") == nil)
    }

    @Test("the median pruner's decision comes back in the report's reply")
    func pruneInReply() async throws {
        let h = try await Harness()
        try await h.launch("prune", trials: 10, pruner: "median")
        await h.register("w1")
        for value in [1.0, 2.0] {
            let a = try #require(await h.acquire("w1"))
            _ = await h.send(.reportIntermediate(IntermediateReport(trialID: a.trialID, leaseEpoch: 1, step: 0,
                                                                    value: value)))
            _ = await h.send(.finishTrial(TrialFinish(trialID: a.trialID, leaseEpoch: 1,
                                                      outcome: .complete(values: [value]))))
        }
        let worse = try #require(await h.acquire("w1"))
        let reply = await h.send(.reportIntermediate(IntermediateReport(trialID: worse.trialID, leaseEpoch: 1, step: 0,
                                                                        value: 100)))
        #expect(reply.decision == .prune)
        #expect(await h.send(.finishTrial(TrialFinish(trialID: worse.trialID, leaseEpoch: 1, outcome: .pruned)))
                == .acknowledged)
        #expect(try await h.readTrials("prune")[2].trial.state == .pruned)
    }

    @Test("a restart rebuilds studies and leases from the store; live leases go on")
    func restartRebuilds() async throws {
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 5_000), clock: ManualClock())
        try await h.launch("phoenix", trials: 3)
        await h.register("w1")
        let running = try #require(await h.acquire("w1"))
        _ = await h.send(.reportIntermediate(IntermediateReport(trialID: running.trialID, leaseEpoch: 1, step: 0,
                                                                value: 4)))
        try await h.restart()
        // The worker's registration and lease survive; it goes on reporting under the same epoch.
        let reply = await h.send(.reportIntermediate(IntermediateReport(trialID: running.trialID, leaseEpoch: 1, step: 1,
                                                                        value: 3)))
        #expect(reply.decision == .continue)
        #expect(await h.send(.finishTrial(TrialFinish(trialID: running.trialID, leaseEpoch: 1,
                                                      outcome: .complete(values: [3])))) == .acknowledged)
        let next = try #require(await h.acquire("w1"))
        #expect(next.number == 1)
        #expect(next.trialID > running.trialID)
        // Grants after the restart are fenced above every epoch of the coordinator's earlier start, so a lease that
        // a power loss erased from the store can never be mistaken for a new one on a reused trial id.
        #expect(running.leaseEpoch == 1)
        #expect(next.leaseEpoch == (1 << 24) + 1)
        #expect(await h.send(.finishTrial(TrialFinish(trialID: next.trialID, leaseEpoch: 1,
                                                      outcome: .complete(values: [1])))).decision == .revoked)
    }

    @Test("a released trial goes to the next worker under a new epoch")
    func releaseReleases() async throws {
        let h = try await Harness()
        try await h.launch("handoff", trials: 1)
        await h.register("w1")
        await h.register("w2")
        let first = try #require(await h.acquire("w1"))
        #expect(await h.send(.releaseTrial(TrialRelease(trialID: first.trialID, leaseEpoch: 1, reason: "SIGTERM")))
                == .acknowledged)
        let second = try #require(await h.acquire("w2"))
        #expect(second.trialID == first.trialID)
        #expect(second.leaseEpoch == 2)
        let old = await h.send(.reportIntermediate(IntermediateReport(trialID: first.trialID, leaseEpoch: 1, step: 0,
                                                                      value: 1)))
        #expect(old.decision == .revoked)
    }

    @Test("a worker that loses trials too often is quarantined")
    func quarantine() async throws {
        let h = try await Harness(settings: CoordinatorSettings(
            leaseTTLMillis: 100, heartbeatIntervalMillis: 30, flapFailures: 2, flapWindowSeconds: 60,
            quarantineSeconds: 60))
        try await h.launch("flaky", trials: 10, maxRetries: 5)
        await h.register("w1")
        for round in 1...2 {
            _ = try #require(await h.acquire("w1"))
            let lost = await eventually(timeout: 10) {
                try await h.readTrials("flaky").filter { $0.trial.state == .fail }.count == round
            }
            #expect(lost)
        }
        let reply = await h.send(.acquireTrial(AcquireTrial(slot: 0, study: nil, waitMillis: 0)))
        guard case .noTrial(let none) = reply else {
            Issue.record("expected noTrial, got \(reply)")
            return
        }
        #expect(none.reason == .quarantined)
    }

    @Test("bad study specs are refused with a message naming the field")
    func badSpecs() async throws {
        let h = try await Harness()
        let cases: [(String, String)] = [
            ("{\"direction\": \"minimize\", \"space\": {\"x\": {\"float\": [0, 1]}}}", "'name'"),
            ("{\"name\": \"a\", \"direction\": \"up\", \"space\": {\"x\": {\"float\": [0, 1]}}}", "direction"),
            ("{\"name\": \"a\", \"space\": {\"x\": {\"float\": [1]}}}", "space.x"),
            ("{\"name\": \"a\", \"space\": {}}", "space"),
            ("not json", "JSON"),
        ]
        for (text, expected) in cases {
            let reply = await h.send(.launchStudy(LaunchStudy(configText: text, format: .json, sourceName: "bad.json")),
                                     from: "cli")
            guard case .error(let error) = reply else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains(expected), "\(error.message) should name \(expected)")
            #expect(error.message.contains("bad.json"))
        }
    }
}

/// Waits until `condition` holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () async throws -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return (try? await condition()) == true
}

@Suite("Study specs")
struct StudySpecTests {
    @Test("a spec survives its canonical JSON (what a restart reads back)", arguments: [
        "{\"type\": \"random\", \"seed\": 9}",
        "{\"type\": \"tpe\", \"seed\": 9, \"n_startup_trials\": 4, \"multivariate\": false, \"prior_weight\": 2}",
        "{\"type\": \"grid\", \"seed\": 9, \"values\": {\"lr\": [0.001, 0.01], \"n\": [1, 3], \"act\": [\"relu\"]}}",
    ])
    func canonicalRoundTrip(sampler: String) throws {
        let text = """
            {"name": "rt", "directions": ["minimize", "maximize"],
             "space": {"lr": {"float": [0.0001, 0.1], "log": true}, "n": {"int": [1, 9], "step": 2},
                       "act": {"categorical": ["relu", 3, 0.5, true, null]}},
             "sampler": \(sampler),
             "pruner": {"type": "percentile", "percentile": 30, "n_startup_trials": 2, "n_warmup_steps": 1},
             "budget": {"trials": 50, "timeout": 120, "max_retries": 1},
             "objective": {"type": "test-function", "steps": 3}}
            """
        let spec = try StudySpec.parseJSON(Array(text.utf8), source: "rt.json")
        let again = try StudySpec.parseJSON(Array(spec.canonicalJSON.jsonText.utf8), source: "canonical")
        #expect(again == spec)
        #expect(spec.space.count == 3)
        #expect(spec.budget == BudgetSpec(trials: 50, timeoutSeconds: 120, maxRetries: 1))
        _ = try spec.makeStudy()
    }

    @Test("conditional parameters: parents first, conditions and declaration order survive the canonical JSON")
    func conditions() throws {
        let text = """
            {"name": "cond", "direction": "minimize",
             "space": {"units_2": {"int": [8, 64], "when": {"layers": 2}},
                       "layers": {"int": [1, 2]}, "act": {"categorical": ["relu", "tanh"]}}}
            """
        let spec = try StudySpec.parseJSON(Array(text.utf8), source: "cond.json")
        #expect(spec.space.map(\.name) == ["act", "layers", "units_2"])
        #expect(spec.space[2].conditions == [ParameterCondition(parent: "layers", values: [.int(2)])])
        let again = try StudySpec.parseJSON(Array(spec.canonicalJSON.jsonText.utf8), source: "canonical")
        #expect(again == spec)
        let cycle = """
            {"name": "c", "space": {"a": {"int": [1, 2], "when": {"b": 1}}, "b": {"int": [1, 2], "when": {"a": 1}}}}
            """
        #expect(throws: StudySpecError.self) { try StudySpec.parseJSON(Array(cycle.utf8), source: "c.json") }
        let orphan = "{\"name\": \"o\", \"space\": {\"a\": {\"int\": [1, 2], \"when\": {\"zz\": 1}}}}"
        #expect(throws: StudySpecError.self) { try StudySpec.parseJSON(Array(orphan.utf8), source: "o.json") }
    }

    @Test("every YAML study config in study-configs/ maps onto a spec that survives its canonical JSON")
    func yamlConfigs() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("study-configs")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 4)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            let spec = try StudySpec.parseYAML(bytes, source: file)
            let again = try StudySpec.parseJSON(Array(spec.canonicalJSON.jsonText.utf8), source: "canonical")
            #expect(again == spec, "\(file)")
            _ = try spec.makeStudy()
        }
        let flagship = try StudySpec.parseYAML(
            [UInt8](Data(contentsOf: directory.appendingPathComponent("fashion-mlp-tpe.yaml"))), source: "f.yaml")
        #expect(flagship.space.contains { !$0.conditions.isEmpty })
        guard case .tpe(let options) = flagship.sampler else {
            Issue.record("the flagship config should use TPE")
            return
        }
        #expect(options.seed == 42)
    }

    @Test("a broken YAML config is refused by the coordinator with the file and line")
    func brokenYAML() async throws {
        let h = try await Harness()
        let text = "name: broken\ndirection: minimize\nspace:\n  x: {float: [1, 0]}\nobjective: {type: function, name: branin}\n"
        let reply = await h.send(.launchStudy(LaunchStudy(configText: text, format: .yaml, sourceName: "broken.yaml")),
                                 from: "cli")
        guard case .error(let error) = reply else {
            Issue.record("accepted a broken config: \(reply)")
            return
        }
        #expect(error.code == .invalidConfig)
        #expect(error.message.contains("broken.yaml"))
        #expect(error.message.contains(":4"), "\(error.message) should name line 4")
    }
}

@Suite("Budgets and conditional spaces in the coordinator")
struct CoordinatorBudgetTests {
    private func launch(_ h: Harness, _ json: String) async throws {
        let reply = await h.send(.launchStudy(LaunchStudy(configText: json, format: .json, sourceName: "t.json")),
                                 from: "cli")
        guard case .studyLaunched = reply else {
            Issue.record("launch failed: \(reply)")
            throw CancellationError()
        }
    }

    @Test("a conditional parameter is suggested only when its parent took a switching value")
    func conditional() async throws {
        let h = try await Harness()
        try await launch(h, """
            {"name": "cond", "direction": "minimize", "sampler": {"type": "random", "seed": 5},
             "space": {"layers": {"int": [1, 2]}, "units_2": {"int": [8, 64], "when": {"layers": 2}}},
             "budget": {"trials": 30}}
            """)
        await h.register("w1")
        var seen = Set<Int>()
        for _ in 0..<30 {
            let assignment = try #require(await h.acquire("w1"))
            let params = Dictionary(uniqueKeysWithValues: assignment.parameters.map { ($0.name, $0.value) })
            guard case .int(let layers) = params["layers"] else {
                Issue.record("layers missing: \(params)")
                return
            }
            seen.insert(Int(layers))
            #expect((params["units_2"] != nil) == (layers == 2), "\(params)")
            let finished = await h.send(.finishTrial(TrialFinish(
                trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch, outcome: .complete(values: [1]))))
            #expect(finished == .acknowledged)
        }
        #expect(seen == [1, 2])
    }

    @Test("budget.parallel caps the trials that run at once")
    func parallel() async throws {
        let h = try await Harness()
        try await launch(h, """
            {"name": "par", "space": {"x": {"float": [0, 1]}}, "budget": {"trials": 10, "parallel": 2}}
            """)
        for worker in ["w1", "w2", "w3"] { await h.register(worker) }
        let first = try #require(await h.acquire("w1"))
        #expect(await h.acquire("w2") != nil)
        #expect(await h.acquire("w3") == nil)
        _ = await h.send(.finishTrial(TrialFinish(trialID: first.trialID, leaseEpoch: first.leaseEpoch,
                                                  outcome: .complete(values: [0.5]))), from: "w1")
        #expect(await h.acquire("w3") != nil)
    }

    @Test("budget.max_failures stops the study after that many failed trials")
    func maxFailures() async throws {
        let h = try await Harness()
        try await launch(h, """
            {"name": "flaky", "space": {"x": {"float": [0, 1]}}, "budget": {"trials": 10, "max_failures": 2}}
            """)
        await h.register("w1")
        for _ in 0..<2 {
            let assignment = try #require(await h.acquire("w1"))
            _ = await h.send(.finishTrial(TrialFinish(trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch,
                                                      outcome: .fail(reason: "boom"))))
        }
        #expect(await h.acquire("w1") == nil)
        let status = await h.send(.status(StudyReference(study: "flaky")), from: "cli")
        guard case .status(let cluster) = status else {
            Issue.record("no status: \(status)")
            return
        }
        #expect(cluster.studies.first?.state == .stopped)
        #expect(cluster.studies.first?.counts.fail == 2)
    }

    @Test("budget.max_failures does not count a lost trial whose retry carries its outcome")
    func maxFailuresSkipsRetriedLosses() async throws {
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 300, heartbeatIntervalMillis: 100))
        try await launch(h, """
            {"name": "shaky", "space": {"x": {"float": [0, 1]}},
             "budget": {"trials": 10, "max_failures": 2, "max_retries": 1}}
            """)
        await h.register("w1")
        _ = try #require(await h.acquire("w1"))  // never reported: its lease expires and the trial is lost
        let lost = await eventually(timeout: 10) { try await h.readTrials("shaky").first?.trial.state == .fail }
        #expect(lost)
        await h.register("w2")
        func fail(_ worker: String) async throws -> Int {
            let assignment = try #require(await h.acquire(worker))
            _ = await h.send(.finishTrial(TrialFinish(trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch,
                                                      outcome: .fail(reason: "boom"))), from: worker)
            return Int(assignment.number)
        }
        func state() async -> StudyState? {
            guard case .status(let cluster) = await h.send(.status(StudyReference(study: "shaky")), from: "cli") else {
                return nil
            }
            return cluster.studies.first?.state
        }
        #expect(try await fail("w2") == 1)  // the retry of trial 0 fails: two FAIL trials, one of them counts
        #expect(await state() == .running)
        #expect(try await fail("w2") == 2)  // the second failure that counts reaches the limit
        #expect(await state() == .stopped)
        #expect(await h.acquire("w2") == nil)
    }
}
