import Foundation
import GRDB
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Applying a transaction of coordinator changes: what earlier changes wrote is reused, nothing else changes")
struct ApplyMemoTests {
    static let now = 1_800_000_000.25

    /// Trials 1–4 of `study`: 1 starts and finishes, 2 starts, is re-leased and finishes, 3 only starts, 4 starts
    /// and finishes twice (the second finish must be refused).
    static func changes(_ study: StudyID) throws -> [StoreMutation] {
        let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
        func start(_ id: Int64) -> StoreMutation {
            .startTrial(StartedTrial(study: study, id: TrialID(rawValue: id), number: Int(id) - 1, fresh: true,
                                     params: ["x": .float(Double(id) / 8)], distributions: ["x": x],
                                     systemAttributes: [:], startedAt: now, worker: "w\(id)", epoch: 1,
                                     deadline: now + 30))
        }
        func finish(_ id: Int64, _ value: Double) -> StoreMutation {
            .finishTrial(trial: TrialID(rawValue: id), state: .complete, values: [value], systemAttributes: [:],
                         userAttributes: [:])
        }
        return [
            start(1), start(2), .report(trial: TrialID(rawValue: 1), step: 0, value: 0.5), start(3),
            .setLease(trial: TrialID(rawValue: 2), worker: "w9", epoch: 2, deadline: now + 60, state: .active),
            finish(1, 0.25), start(4), finish(2, 0.125), finish(4, 1), finish(4, 2),
        ]
    }

    /// Trials (state, values, reports), each trial's lease, and the events, as a reader sees them.
    static func snapshot(_ store: StudyStore, _ study: StudyID) throws -> String {
        var lines: [String] = []
        for stored in try store.trials(in: study) {
            let trial = stored.trial
            let lease = try store.lease(of: stored.ref.id).map { "\($0.worker) \($0.epoch) \($0.state)" } ?? "none"
            lines.append("\(trial.number) \(trial.state) \(trial.values ?? []) \(trial.intermediateValues) \(lease)")
        }
        lines += try store.events().map { "\($0.kind) \($0.trial?.rawValue ?? 0)" }
        return lines.joined(separator: "\n")
    }

    @Test("one transaction, split transactions, and one change at a time leave the same store")
    func sameStoreEveryWay() async throws {
        let oneByOne = TempDir()
        let reference = try makeStore(oneByOne)
        let referenceStudy = try await reference.createStudy(named: "s").id
        var referenceErrors: [Bool] = []
        for change in try Self.changes(referenceStudy) {
            referenceErrors += try reference.applySynchronously([change]).map { $0 != nil }
        }
        #expect(referenceErrors == [false, false, false, false, false, false, false, false, false, true])
        let expected = try Self.snapshot(reference, referenceStudy)
        #expect(try reference.lease(of: TrialID(rawValue: 3)) != nil)
        #expect(try reference.lease(of: TrialID(rawValue: 1)) == nil)

        for split in [10, 9, 8, 7, 6, 5, 2, 1] {
            let dir = TempDir()
            let store = try makeStore(dir)
            let study = try await store.createStudy(named: "s").id
            let changes = try Self.changes(study)
            // Split at 9: every change but the refused one in one transaction, coalesced (trials 1 and 4 start and
            // finish in it). The refused second finish sends its transaction down the replay path.
            var errors = try store.applyLogged([LoggedBatch(firstSequence: 1, decidedAt: Self.now,
                                                            mutations: Array(changes.prefix(split)))])
            if split < changes.count {
                let mid = try Self.snapshot(store, study)
                #expect(!mid.isEmpty)
                errors += try store.applyLogged([LoggedBatch(firstSequence: UInt64(split + 1), decidedAt: Self.now,
                                                             mutations: Array(changes.dropFirst(split)))])
            }
            #expect(errors.map { $0 != nil } == referenceErrors, "split at \(split)")
            #expect(try Self.snapshot(store, study) == expected, "split at \(split)")
            try await store.close()
        }
        try await reference.close()
    }

    @Test("a trial started and finished in one transaction writes no lease row; one started earlier loses its row")
    func leaseRows() async throws {
        let dir = TempDir()
        let store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let changes = Array(try Self.changes(study).prefix(6))  // trials 1–3 started, 1 finished
        #expect(try store.applyLogged([LoggedBatch(firstSequence: 1, decidedAt: Self.now,
                                                   mutations: Array(changes.prefix(4)))]) == [nil, nil, nil, nil])
        #expect(try store.lease(of: TrialID(rawValue: 1))?.worker == "w1")
        #expect(try store.applyLogged([LoggedBatch(firstSequence: 5, decidedAt: Self.now,
                                                   mutations: Array(changes.dropFirst(4)))]) == [nil, nil])
        #expect(try store.lease(of: TrialID(rawValue: 1)) == nil)
        #expect(try store.lease(of: TrialID(rawValue: 2))?.worker == "w9")
        #expect(try store.lease(of: TrialID(rawValue: 3))?.worker == "w3")
        try await store.close()
    }

    @Test("a trial started and finished in one transaction is inserted final, with the finish's state and time")
    func finalRowAtOnce() async throws {
        // Trial 1 starts in one batch and finishes in a later one, decided 2.5 s after; trial 3 only starts.
        func rows(applying batches: [[LoggedBatch]]) async throws -> [String] {
            let dir = TempDir()
            let store = try makeStore(dir)
            let study = try await store.createStudy(named: "s").id
            let all = try Self.changes(study)
            let first = LoggedBatch(firstSequence: 1, decidedAt: Self.now, mutations: [all[0], all[2], all[3]])
            let second = LoggedBatch(firstSequence: 4, decidedAt: Self.now + 2.5, mutations: [all[5]])
            for group in batches {
                let chosen = group.map { $0.firstSequence == 1 ? first : second }
                #expect(try store.applyLogged(chosen).allSatisfy { $0 == nil })
            }
            let found = try store.read("read trial rows") { db in
                let sql = "SELECT state, datetime_start, datetime_complete FROM trials ORDER BY trial_id"
                return try Row.fetchAll(db, sql: sql)
                    .map { row -> String in
                        let complete: String? = row["datetime_complete"]
                        return "\(row["state"] as String) \(row["datetime_start"] as String) \(complete ?? "-")"
                    }
            }
            try await store.close()
            return found
        }
        let marker = LoggedBatch(firstSequence: 1, decidedAt: 0, mutations: [])
        let laterMarker = LoggedBatch(firstSequence: 4, decidedAt: 0, mutations: [])
        let together = try await rows(applying: [[marker, laterMarker]])
        let apart = try await rows(applying: [[marker], [laterMarker]])
        #expect(together == apart)
        #expect(together == ["COMPLETE \(OptunaDateTime.format(Self.now)) \(OptunaDateTime.format(Self.now + 2.5))",
                             "RUNNING \(OptunaDateTime.format(Self.now)) -"])
    }

    @Test("of the three outcomes only a failure is an event; COMPLETE and PRUNED live in the trials table")
    func onlyFailuresAreEvents() async throws {
        let dir = TempDir()
        let store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let started = Array(try Self.changes(study).prefix(4)).filter {
            if case .startTrial = $0 { return true } else { return false }
        }  // trials 1, 2 and 3
        let outcomes: [(Int64, TrialState)] = [(1, .complete), (2, .pruned), (3, .fail)]
        let finishes = outcomes.map { id, state in
            StoreMutation.finishTrial(trial: TrialID(rawValue: id), state: state,
                                      values: state == .complete ? [0.5] : nil, systemAttributes: [:],
                                      userAttributes: [:])
        }
        let errors = try store.applyLogged([LoggedBatch(firstSequence: 1, decidedAt: Self.now,
                                                        mutations: started + finishes)])
        #expect(errors.allSatisfy { $0 == nil })
        #expect(try store.trials(in: study).map(\.trial.state) == [.complete, .pruned, .fail])
        let events = try store.events().filter { $0.kind.hasPrefix("trial.") }
        #expect(events.map { "\($0.kind) \($0.trial?.rawValue ?? 0)" } == ["trial.fail 3"])
        try await store.close()
    }
}

extension ApplyMemoTests {
    /// Starts and finishes of `count` trials of `study` (ids from `firstID`): ties, infinities of both signs and a
    /// drift, so that late trials both enter the best-trials table and miss it; every seventh is PRUNED.
    static func finishes(_ study: StudyID, count: Int, firstID: Int64, seed: UInt64) throws -> [StoreMutation] {
        let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
        var random = TuningRandom(seed: seed)
        var changes: [StoreMutation] = []
        for i in 0..<count {
            let id = TrialID(rawValue: firstID + Int64(i))
            changes.append(.startTrial(StartedTrial(
                study: study, id: id, number: i, fresh: true, params: ["x": .float(0.5)], distributions: ["x": x],
                systemAttributes: [:], startedAt: now, worker: "w", epoch: 1, deadline: now + 30)))
            let draw = random.index(below: 20)
            let value = draw == 0 ? Double.infinity
                : draw == 1 ? -Double.infinity : Double(random.index(below: 40)) - Double(i) / 8
            let pruned = i % 7 == 3
            changes.append(.finishTrial(trial: id, state: pruned ? .pruned : .complete,
                                        values: pruned ? nil : [value], systemAttributes: [:], userAttributes: [:]))
        }
        return changes
    }

    @Test("many finishes in one transaction leave the best-trials table and its watermark as a rebuild does",
          arguments: [StudyDirection.minimize, .maximize])
    func bestTableInOneTransaction(direction: StudyDirection) async throws {
        let dir = TempDir()
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s", directions: [direction]).id
        let other = try await store.createStudy(named: "other", directions: [direction]).id
        let count = 3 * BestTable.kept
        var changes = try Self.finishes(s, count: count, firstID: 1, seed: 11)
        let others = try Self.finishes(other, count: count / 2, firstID: Int64(count + 1), seed: 12)
        // The two studies interleave; a finish of a trial that does not exist is refused in the middle of the
        // second transaction, which sends it down the replay path (each change in its own savepoint).
        for (offset, change) in others.enumerated() { changes.insert(change, at: min(3 * offset + 1, changes.count)) }
        let half = changes.count / 2
        let refused = StoreMutation.finishTrial(trial: TrialID(rawValue: 99_999), state: .complete, values: [0],
                                                systemAttributes: [:], userAttributes: [:])
        var second = Array(changes.dropFirst(half))
        second.insert(refused, at: second.count / 2)
        let first = try store.applyLogged([LoggedBatch(firstSequence: 1, decidedAt: Self.now,
                                                       mutations: Array(changes.prefix(half)))])
        let rest = try store.applyLogged([LoggedBatch(firstSequence: UInt64(half + 1), decidedAt: Self.now,
                                                      mutations: second)])
        #expect(first.allSatisfy { $0 == nil })
        #expect(rest.filter { $0 != nil }.count == 1)
        try await store.close()

        let table = try bestTableAndRebuild(dir.file("swept.db"))
        #expect(table.kept.count > BestTable.kept)  // one study full, the other not
        #expect(table.kept == table.rebuilt)
        #expect(table.watermark != nil && table.watermark == table.newestValue)
    }
}

@Suite("Rows written through SQLite's C API")
struct FastWriteTests {
    @Test("a refused row names the store, the operation and SQLite's reason; the same statement writes the next row")
    func refusedRowThenNext() async throws {
        let dir = TempDir()
        let store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let trial = try await store.createTrial(in: study)
        let errors = try store.applySynchronously([
            .report(trial: TrialID(rawValue: 999), step: 0, value: 1),  // no such trial
            .report(trial: trial.id, step: 0, value: 0.5),
        ])
        let refusal = try #require(errors.first ?? nil)
        #expect(refusal.message.contains("FOREIGN KEY"), "\(refusal.message)")
        #expect(refusal.message.contains("apply coordinator change"), "\(refusal.message)")
        #expect(refusal.message.contains(dir.file("swept.db")), "\(refusal.message)")
        #expect(errors.count == 2 && errors[1] == nil)
        #expect(try store.trials(in: study).first?.trial.intermediateValues == [0: 0.5])
        try await store.close()
    }
}
