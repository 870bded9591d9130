import GRDB
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Store API: studies, trials, params, reports, queries")
struct StoreAPITests {
    let dir = TempDir()

    static func space() throws -> [String: Distribution] {
        ["x": .float(try FloatDistribution(low: -1, high: 1)),
         "n": .int(try IntDistribution(low: 1, high: 64, log: true)),
         "c": .categorical(try CategoricalDistribution(choices: ["a", 1, 2.5, true, nil]))]
    }

    @Test("studies have unique names, directions and attributes")
    func studies() async throws {
        let store = try makeStore(dir)
        let a = try await store.createStudy(named: "a", directions: [.minimize], userAttributes: ["k": .int(1)])
        let b = try await store.createStudy(named: "b", directions: [.minimize, .maximize])
        #expect(try store.study(named: "a") == a)
        #expect(try store.study(b.id).directions == [.minimize, .maximize])
        #expect(try store.study(named: "zzz") == nil)
        #expect(try store.allStudies().map(\.name) == ["a", "b"])
        await #expect {
            try await store.createStudy(named: "a")
        } throws: { ($0 as? StoreError)?.code == .duplicateStudyName && "\($0)".contains("'a'") }
        await #expect(throws: StoreError.self) { try await store.createStudy(named: "") }
        try await store.setStudyUserAttribute(a.id, key: "k", value: .string("two"))
        try await store.setStudySystemAttribute(a.id, key: "s", value: .array([.int(1)]))
        #expect(try store.studyUserAttributes(a.id) == ["k": .string("two")])
        #expect(try store.studySystemAttributes(a.id) == ["s": .array([.int(1)])])
        await #expect {
            try await store.setStudyUserAttribute(StudyID(rawValue: 99), key: "k", value: .null)
        } throws: { ($0 as? StoreError)?.code == .studyNotFound }
        try await store.close()
    }

    @Test("concurrent trial creation gets numbers 0..<n exactly once")
    func atomicNumbers() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let other = try await store.createStudy(named: "other")
        let refs = try await withThrowingTaskGroup(of: TrialRef.self) { group in
            for i in 0..<64 { group.addTask { try await store.createTrial(in: i % 4 == 0 ? other.id : s.id) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(refs.filter { $0.study == s.id }.map(\.number).sorted() == Array(0..<48))
        #expect(refs.filter { $0.study == other.id }.map(\.number).sorted() == Array(0..<16))
        #expect(store.commitStatistics.batches < store.commitStatistics.operations)
        try await store.close()
    }

    @Test("params, reports and finishing follow Optuna's rules")
    func trialLifecycle() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let t = try await store.createTrial(in: s.id)
        let space = try Self.space()
        try await store.setParams(t.id, ["x": 0.5, "n": 8, "c": 2.5], distributions: space)
        try await store.setParams(t.id, ["x": 0.5], distributions: space)  // same value: no-op
        await #expect { try await store.setParams(t.id, ["x": 0.25], distributions: space) } throws: {
            ($0 as? StoreError)?.code == .invalidState
        }
        await #expect { try await store.setParams(t.id, ["x": 3.0], distributions: space) } throws: {
            ($0 as? StoreError)?.code == .invalidValue && "\($0)".contains("'x'")
        }
        #expect(try await store.reportIntermediate(t.id, step: 0, value: 1.0))
        #expect(try await store.reportIntermediate(t.id, step: 0, value: 9.0) == false)  // repeat: first stays
        #expect(try await store.reportIntermediates(t.id, [(1, .nan), (2, .infinity), (3, -.infinity)]) == [true, true, true])
        await #expect(throws: StoreError.self) { try await store.reportIntermediate(t.id, step: -1, value: 0) }
        await #expect { try await store.finishTrial(t.id, state: .complete, values: [1, 2]) } throws: {
            ($0 as? StoreError)?.message.contains("expected 1 value") == true
        }
        await #expect(throws: StoreError.self) { try await store.finishTrial(t.id, state: .complete, values: [.nan]) }
        try await store.setTrialUserAttribute(t.id, key: "u", value: .string("x"))
        try await store.recordHeartbeat(t.id)
        try await store.finishTrial(t.id, state: .complete, values: [0.125])
        await #expect { try await store.reportIntermediate(t.id, step: 5, value: 1) } throws: {
            ($0 as? StoreError)?.code == .invalidState && "\($0)".contains("COMPLETE")
        }
        await #expect(throws: StoreError.self) { try await store.finishTrial(t.id, state: .fail, values: nil) }

        let stored = try store.trial(t.id).trial
        #expect(stored.state == .complete)
        #expect(stored.values == [0.125])
        #expect(stored.params == ["x": 0.5, "n": 8, "c": 2.5])
        #expect(stored.distributions == space)
        #expect(stored.intermediateValues[0] == 1.0)
        #expect(stored.intermediateValues[1]?.isNaN == true)
        #expect(stored.intermediateValues[2] == .infinity)
        #expect(stored.intermediateValues[3] == -.infinity)
        #expect(stored.userAttributes == ["u": .string("x")])
        #expect(stored.startedAt == 1_800_000_000.25)
        #expect(stored.completedAt == 1_800_000_000.25)
        #expect(try store.trial(in: s.id, number: 0)?.ref == t)
        await #expect { try await store.reportIntermediate(TrialID(rawValue: 999), step: 0, value: 1) } throws: {
            ($0 as? StoreError)?.code == .trialNotFound
        }
        try await store.close()
    }

    @Test("enqueued trials wait with fixed params and are claimed oldest first")
    func enqueue() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let first = try await store.enqueueTrial(in: s.id, params: ["x": 0.1])
        let second = try await store.enqueueTrial(in: s.id, params: ["x": 0.2, "c": "a"])
        #expect(try store.trialCounts(in: s.id) == [.waiting: 2])
        #expect(try store.trial(first.id).trial.fixedParams == ["x": 0.1])
        let claimed = try await store.claimWaitingTrial(in: s.id)
        #expect(claimed == first)
        #expect(try store.trial(first.id).trial.state == .running)
        #expect(try await store.claimWaitingTrial(in: s.id) == second)
        #expect(try await store.claimWaitingTrial(in: s.id) == nil)
        try await store.close()
    }

    @Test("best trial and top-k order -inf, finite values, +inf, ties by number", arguments: StudyDirection.allCases)
    func bestTrials(direction: StudyDirection) async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s", directions: [direction])
        #expect(try store.bestTrial(in: s.id) == nil)
        let values: [Double] = [3, .infinity, 1, -.infinity, 2, 1, 5]
        var ids: [TrialID] = []
        for v in values {
            let t = try await store.createTrial(in: s.id)
            try await store.finishTrial(t.id, state: .complete, values: [v])
            ids.append(t.id)
        }
        let pruned = try await store.createTrial(in: s.id)
        try await store.finishTrial(pruned.id, state: .pruned, values: [-100])  // never "best"
        let expected = direction == .minimize ? [3, 2, 5, 4, 0, 6, 1] : [1, 6, 0, 4, 2, 5, 3]
        #expect(try store.bestTrials(in: s.id, limit: 10).map(\.trial.number) == expected)
        #expect(try store.bestTrial(in: s.id)?.trial.number == expected[0])
        #expect(try store.bestTrials(in: s.id, limit: 3).map(\.trial.number) == Array(expected.prefix(3)))
        let mo = try await store.createStudy(named: "mo", directions: [.minimize, .maximize])
        #expect(throws: StoreError.self) { try store.bestTrial(in: mo.id) }
        try await store.close()
    }

    @Test("top-k beyond the kept best trials sorts the study; studies do not mix; stale tables are rebuilt")
    func bestTrialFallback() async throws {
        let store = try makeStore(dir)
        let big = try await store.createStudy(named: "big", directions: [.maximize])
        let small = try await store.createStudy(named: "small")
        let count = BestTable.kept + 50
        for i in 0..<count {
            let value = i == 7 ? Double.infinity : Double((i * 37) % count) / 1000
            try await store.addTrial(FrozenTrial(number: 0, state: .complete, values: [value]), to: big.id)
        }
        for v in [900.0, 800.0, 800.0] {
            try await store.addTrial(FrozenTrial(number: 0, state: .complete, values: [v]), to: small.id)
        }
        #expect(try store.bestTrials(in: small.id, limit: 5).map(\.trial.number) == [1, 2, 0])
        let all = try store.bestTrials(in: big.id, limit: count + 5)  // more than the table keeps: sorted here
        #expect(all.count == count)
        #expect(all.first?.trial.values == [.infinity])
        let finite = all.dropFirst().compactMap { $0.trial.values?.first }
        #expect(finite == finite.sorted(by: >))
        #expect(try store.bestTrials(in: big.id, limit: 10).map(\.trial.number) == all.prefix(10).map(\.trial.number))
        try await store.close()

        // A value written by another program while swept is closed: the next open rebuilds the table.
        let queue = try DatabaseQueue(path: dir.file("swept.db"))
        try await queue.write { db in
            try db.execute(sql: "UPDATE trials SET state = 'RUNNING' WHERE study_id = ? AND number = 0",
                           arguments: [small.id.rawValue])
            try db.execute(sql: "DELETE FROM trial_values WHERE trial_id = (SELECT trial_id FROM trials "
                + "WHERE study_id = ? AND number = 0)", arguments: [small.id.rawValue])
            try db.execute(sql: "UPDATE trials SET state = 'COMPLETE' WHERE study_id = ? AND number = 0",
                           arguments: [small.id.rawValue])
            try db.execute(sql: "INSERT INTO trial_values (trial_id, objective, value, value_type) SELECT trial_id, "
                + "0, 5, 'FINITE' FROM trials WHERE study_id = ? AND number = 0", arguments: [small.id.rawValue])
        }
        try queue.close()
        let reopened = try makeStore(dir)
        #expect(try reopened.bestTrials(in: small.id, limit: 5).map(\.trial.number) == [0, 1, 2])
        #expect(try reopened.bestTrial(in: small.id)?.trial.values == [5])
        try await reopened.close()
    }

    @Test("the kept best trials, maintained trial by trial, equal a rebuild from the values",
          arguments: StudyDirection.allCases)
    func bestTableMatchesRebuild(direction: StudyDirection) async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s", directions: [direction])
        let other = try await store.createStudy(named: "other", directions: [direction])
        var random = TuningRandom(seed: 11)
        for i in 0..<(3 * BestTable.kept) {
            // Ties (a few distinct values), infinities of both signs, and a steady drift so that late trials
            // both enter the table and miss it.
            let draw = random.index(below: 20)
            let value = draw == 0 ? Double.infinity
                : draw == 1 ? -Double.infinity : Double(random.index(below: 40)) - Double(i) / 8
            let t = try await store.createTrial(in: i % 5 == 0 ? other.id : s.id)
            try await store.finishTrial(t.id, state: i % 7 == 3 ? .pruned : .complete, values: [value])
        }
        try await store.close()
        let table = try bestTableAndRebuild(dir.file("swept.db"))
        #expect(table.kept.count > BestTable.kept)  // one study full, the other not
        #expect(table.kept == table.rebuilt)
        #expect(table.watermark != nil && table.watermark == table.newestValue)
    }

    @Test("loading reassembles trials whose rows interleave and orders trials by number, not id")
    func loadInterleavedAndReordered() async throws {
        let store = try makeStore(dir)
        let study = try await store.createStudy(named: "s")
        let x = Distribution.float(try FloatDistribution(low: 0, high: 10))
        let n = Distribution.int(try IntDistribution(low: 0, high: 9))
        let a = try await store.createTrial(in: study.id)
        let b = try await store.createTrial(in: study.id)
        // Parameters and steps of a and b alternate in storage order, as when workers report concurrently.
        try await store.setParams(a.id, ["x": .float(1)], distributions: ["x": x])
        try await store.setParams(b.id, ["x": .float(2)], distributions: ["x": x])
        try await store.setParams(a.id, ["n": .int(3)], distributions: ["n": n])
        try await store.setParams(b.id, ["n": .int(4)], distributions: ["n": n])
        for step in 0..<3 {
            _ = try await store.reportIntermediate(a.id, step: step, value: Double(step))
            _ = try await store.reportIntermediate(b.id, step: step, value: Double(10 + step))
        }
        try await store.finishTrial(a.id, state: .complete, values: [5])
        try await store.finishTrial(b.id, state: .complete, values: [6])
        try await store.close()

        let queue = try DatabaseQueue(path: dir.file("swept.db"))
        try await queue.write { db in  // swap the numbers: b (the higher id) is now trial 0
            try db.execute(sql: "UPDATE trials SET number = 1 - number WHERE study_id = ?",
                           arguments: [study.id.rawValue])
        }
        try queue.close()
        let reopened = try makeStore(dir)
        let loaded = try reopened.loadStudy(study.id)
        #expect(loaded.trialIDs == [b.id, a.id])
        #expect(loaded.trials.map(\.number) == [0, 1])
        #expect(loaded.trials.map(\.params) == [["x": .float(2), "n": .int(4)], ["x": .float(1), "n": .int(3)]])
        #expect(loaded.trials.map(\.distributions) == [["x": x, "n": n], ["x": x, "n": n]])
        #expect(loaded.trials.map(\.intermediateValues) == [[0: 10, 1: 11, 2: 12], [0: 0, 1: 1, 2: 2]])
        #expect(loaded.trials.map(\.values) == [[6], [5]])
        try await reopened.close()
    }

    @Test("Pareto front, completed values at a step, counts, summary and whole-study load")
    func queries() async throws {
        let store = try makeStore(dir)
        let mo = try await store.createStudy(named: "mo", directions: [.minimize, .maximize])
        for (a, b) in [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (0.5, 0.5), (2.0, 3.0)] {
            try await store.addTrial(FrozenTrial(number: 0, state: .complete, values: [a, b]), to: mo.id)
        }
        #expect(try store.paretoFront(of: mo.id).map(\.trial.number) == [0, 1, 3, 4])

        let s = try await store.createStudy(named: "s")
        for (i, v) in [4.0, .nan, 1.0, 3.0].enumerated() {
            var trial = FrozenTrial(number: 0, state: .complete, values: [Double(i)], intermediateValues: [2: v])
            if i == 3 { trial.state = .pruned }
            try await store.addTrial(trial, to: s.id)
        }
        let running = try await store.createTrial(in: s.id)
        try await store.reportIntermediate(running.id, step: 2, value: -7)
        let step = try store.completedValues(in: s.id, atStep: 2)
        #expect(Array(step.sorted) == [1, 4])
        #expect(step.nanCount == 1)
        #expect(try store.completedValues(in: s.id, atStep: 9).count == 0)
        #expect(try store.trialCounts(in: s.id) == [.complete: 3, .pruned: 1, .running: 1])
        #expect(try store.trials(in: s.id, states: [.pruned]).map(\.trial.number) == [3])

        let summary = try store.summary(of: s.id)
        #expect(summary.trialCount == 5)
        #expect(summary.bestTrial?.trial.number == 0)
        #expect(try store.summaries().map(\.study.name) == ["mo", "s"])

        let lease = try await store.grantLease(running.id, to: "w1", deadline: 10)
        let loaded = try store.loadStudy(s.id)
        #expect(loaded.trials.map(\.number) == [0, 1, 2, 3, 4])
        #expect(loaded.trialIDs.last == running.id)
        #expect(loaded.trials[4].intermediateValues == [2: -7])
        #expect(loaded.leases == [lease])
        try await store.close()
    }

    @Test("leases fence stale epochs; workers and the append-only event log")
    func leasesWorkersEvents() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let t = try await store.createTrial(in: s.id)
        let first = try await store.grantLease(t.id, to: "w1", deadline: 100)
        #expect(first.epoch == 1)
        #expect(try await store.renewLease(t.id, epoch: 1, deadline: 200).deadline == 200)
        #expect(try store.overdueLeases(asOf: 150).isEmpty)
        #expect(try store.overdueLeases(asOf: 250).map(\.trial) == [t.id])
        try await store.expireLease(t.id, epoch: 1)
        await #expect { try await store.renewLease(t.id, epoch: 1, deadline: 300) } throws: {
            ($0 as? StoreError)?.code == .invalidState && "\($0)".contains("stale")
        }
        let second = try await store.grantLease(t.id, to: "w2", deadline: 400)
        #expect(second.epoch == 2)
        #expect(try store.lease(of: t.id)?.worker == "w2")
        try await store.finishTrial(t.id, state: .fail, values: nil)
        #expect(try store.lease(of: t.id) == nil)
        await #expect(throws: StoreError.self) { try await store.grantLease(t.id, to: "w3", deadline: 1) }

        try await store.upsertWorker(WorkerRecord(id: "w1", host: "node1", pid: 7, slots: 2, firstSeen: 1, lastSeen: 2))
        try await store.upsertWorker(WorkerRecord(id: "w1", host: "node1", pid: 8, slots: 2, firstSeen: 1, lastSeen: 3))
        #expect(try store.workers().map(\.pid) == [8])

        try await store.appendEvent(kind: "study.note", study: s.id, detail: .object(["x": .int(1)]))
        let events = try store.events()
        // Routine trial creation and completion are not logged (the trials table has them); the rest is.
        #expect(events.map(\.kind) == ["study.created", "lease.granted", "lease.expired", "lease.granted", "trial.fail",
                                       "worker.registered", "study.note"])
        #expect(events.last?.detail == .object(["x": .int(1)]))
        #expect(events[1].detail == .object(["worker": .string("w1"), "epoch": .int(1)]))
        #expect(try store.events(after: events[4].id).count == 2)
        try await store.close()
    }
}
