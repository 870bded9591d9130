import Foundation
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Change log: acknowledged changes survive until the store applies them")
struct ChangeLogTests {
    static let now = 1_800_000_000.25

    /// One change of every kind, for study `study` (trial ids 1 and 2).
    static func everyKind(_ study: StudyID) throws -> [StoreMutation] {
        let trial = TrialID(rawValue: 1)
        return [
            .startTrial(StartedTrial(
                study: study, id: trial, number: 0, fresh: true,
                params: ["x": .float(0.5), "n": .int(3), "act": .string("relu")],
                distributions: ["x": .float(try FloatDistribution(low: 0, high: 1)),
                                "n": .int(try IntDistribution(low: 1, high: 8, log: true)),
                                "act": .categorical(try CategoricalDistribution(choices: [.string("relu"), .null,
                                                                                          .bool(true), .int(2)]))],
                systemAttributes: ["nested": .array([.int(1), .null, .object(["a": .bool(true), "b": .double(-0.0)])])],
                startedAt: now, worker: "w1", epoch: 1, deadline: now + 30)),
            .report(trial: trial, step: 0, value: 0.25),
            .report(trial: trial, step: 1, value: -.infinity),
            .report(trial: trial, step: 2, value: .nan),
            .setLease(trial: trial, worker: "w1", epoch: 2, deadline: now + 60, state: .active),
            .worker(WorkerRecord(id: "w1", host: "node-ä", pid: 42, slots: 2, incarnation: 7, firstSeen: now,
                                 lastSeen: now + 1)),
            .worker(WorkerRecord(id: "w2", host: "n2", pid: nil, firstSeen: now, lastSeen: now, state: .lost)),
            .studySystemAttribute(study: study, key: "state", value: .string("running")),
            .event(kind: "custom.kind", study: study, trial: nil, detail: .object(["x": .double(1.5)])),
            .event(kind: "bare", study: nil, trial: trial, detail: nil),
            .enqueueTrial(study: study, id: TrialID(rawValue: 2), number: 1, params: ["x": .float(0.125)],
                          systemAttributes: ["retry_of": .int(0)], userAttributes: ["u": .string("v")]),
            .finishTrial(trial: trial, state: .complete, values: [0.125],
                         systemAttributes: ["swept_worker": .string("w1")], userAttributes: ["note": .string("ok")]),
        ]
    }

    /// What a reader sees of a store: trials, workers, leases, events, study attributes (NaN made comparable).
    struct Snapshot: Equatable {
        var trials: [StoredTrial]
        var workers: [WorkerRecord]
        var lease: Lease?
        var events: [Event]
        var studyAttributes: [String: AttributeValue]

        struct Event: Equatable {
            var kind: String
            var study: StudyID?
            var trial: TrialID?
            var detail: AttributeValue?
            var at: Double
        }

        init(_ store: StudyStore, _ study: StudyID) throws {
            trials = try store.trials(in: study)
            for index in trials.indices {
                trials[index].trial.intermediateValues = trials[index].trial.intermediateValues.mapValues {
                    $0.isNaN ? -12_345.5 : $0
                }
            }
            workers = try store.workers().sorted { $0.id < $1.id }
            lease = try store.lease(of: TrialID(rawValue: 1))
            events = try store.events().map { Event(kind: $0.kind, study: $0.study, trial: $0.trial, detail: $0.detail,
                                                    at: $0.at) }
            studyAttributes = try store.loadStudy(study).systemAttributes
        }
    }

    @Test("every kind of change written to the log and replayed on open equals the same change applied directly")
    func replayEqualsDirect() async throws {
        let direct = TempDir()
        let directStore = try makeStore(direct)
        let directStudy = try await directStore.createStudy(named: "s").id
        _ = try directStore.applySynchronously(try Self.everyKind(directStudy))

        let logged = TempDir()
        var store = try makeStore(logged)
        let study = try await store.createStudy(named: "s").id
        let mutations = try Self.everyKind(study)
        let log = ChangeLog(storePath: logged.file("swept.db"), fsync: true)
        try log.append(LoggedBatch(firstSequence: 1, decidedAt: Self.now, mutations: Array(mutations.prefix(5))))
        try log.append(LoggedBatch(firstSequence: 6, decidedAt: Self.now, mutations: Array(mutations.dropFirst(5))))
        log.close(applied: 0)
        #expect(ChangeLog.segmentPaths(storePath: logged.file("swept.db")).count == 1)
        try await store.close()

        store = try makeStore(logged)
        #expect(store.changeLogReplay == ChangeLogReplay(changes: mutations.count, files: 1, failures: [], tornBytes: 0))
        #expect(ChangeLog.segmentPaths(storePath: logged.file("swept.db")).isEmpty)
        #expect(try store.appliedChangeSequence() == UInt64(mutations.count))
        let expected = try Snapshot(directStore, directStudy)
        #expect(try Snapshot(store, study) == expected)
        #expect(try store.trials(in: study).first?.trial.intermediateValues.count == 3)

        // Opening again replays nothing and duplicates nothing.
        try await store.close()
        store = try makeStore(logged)
        #expect(store.changeLogReplay.isEmpty)
        let again = try Snapshot(store, study)
        #expect(again == expected)
        try await store.close()
        try await directStore.close()
    }

    @Test("a torn tail is ignored, and only the changes beyond the store's applied sequence are replayed")
    func tornTailAndAppliedPrefix() async throws {
        let dir = TempDir()
        var store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let all = try Self.everyKind(study)
        let log = ChangeLog(storePath: dir.file("swept.db"), fsync: false)
        let first = LoggedBatch(firstSequence: 1, decidedAt: Self.now, mutations: [all[0], all[1]])
        try log.append(first)
        #expect(try store.applyLogged([first]) == [nil, nil])
        try log.append(LoggedBatch(firstSequence: 3, decidedAt: Self.now, mutations: [all[2], all[3]]))
        log.close(applied: 2)
        let segment = try #require(ChangeLog.segmentPaths(storePath: dir.file("swept.db")).first)
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data([0x53, 0x57, 0x43, 0x4C, 0xFF, 0xFF, 0, 0, 1, 2]))  // a record cut off mid-header
        handle.closeFile()
        try await store.close()

        store = try makeStore(dir)
        #expect(store.changeLogReplay == ChangeLogReplay(changes: 2, files: 1, failures: [], tornBytes: 10))
        let trial = try #require(try store.trials(in: study).first)
        #expect(trial.trial.intermediateValues.keys.sorted() == [0, 1, 2])
        #expect(try store.appliedChangeSequence() == 4)
        try await store.close()
    }

    @Test("a record whose checksum does not match ends the replay there")
    func checksumMismatch() async throws {
        let dir = TempDir()
        var store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let all = try Self.everyKind(study)
        let log = ChangeLog(storePath: dir.file("swept.db"), fsync: false)
        try log.append(LoggedBatch(firstSequence: 1, decidedAt: Self.now, mutations: [all[0]]))
        try log.append(LoggedBatch(firstSequence: 2, decidedAt: Self.now, mutations: [all[1]]))
        log.close(applied: 0)
        let segment = try #require(ChangeLog.segmentPaths(storePath: dir.file("swept.db")).first)
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: segment)))
        bytes[bytes.count - 1] ^= 0xFF  // the second record's last payload byte
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        try await store.close()

        store = try makeStore(dir)
        #expect(store.changeLogReplay.changes == 1)
        #expect(store.changeLogReplay.tornBytes > 0)
        #expect(try store.trials(in: study).first?.trial.intermediateValues.isEmpty == true)
        try await store.close()
    }

    @Test("files roll over at their size limit, finished ones go once applied, and a replay reads the rest in order")
    func rolloverAndRelease() async throws {
        let dir = TempDir()
        var store = try makeStore(dir)
        let study = try await store.createStudy(named: "s").id
        let log = ChangeLog(storePath: dir.file("swept.db"), fsync: false, segmentBytes: 4096)
        var batches = [LoggedBatch(firstSequence: 1, decidedAt: Self.now, mutations: [try Self.everyKind(study)[0]])]
        for step in 0..<200 {  // ~100 bytes per batch: several 4 KiB files
            batches.append(LoggedBatch(firstSequence: UInt64(step + 2), decidedAt: Self.now,
                                       mutations: [.report(trial: TrialID(rawValue: 1), step: step, value: Double(step))]))
        }
        for batch in batches { try log.append(batch) }
        let files = ChangeLog.segmentPaths(storePath: dir.file("swept.db"))
        #expect(files.count >= 4)
        let firsts = files.compactMap { UInt64($0.split(separator: ".").last ?? "") }
        #expect(firsts == firsts.sorted() && firsts.first == 1)

        // The applier commits the first 101 changes, then releases: finished files within them go, the rest stay.
        #expect(try store.applyLogged(Array(batches.prefix(101))).allSatisfy { $0 == nil })
        log.release(through: 101)
        let left = ChangeLog.segmentPaths(storePath: dir.file("swept.db"))
        #expect(left.count < files.count)
        #expect(left.last == files.last)
        log.close(applied: 101)
        #expect(ChangeLog.segmentPaths(storePath: dir.file("swept.db")) == left)
        try await store.close()

        // A crash here: opening replays changes 102…201 from the files left, in order, and nothing twice.
        store = try makeStore(dir)
        #expect(store.changeLogReplay.changes == 100)
        #expect(store.changeLogReplay.failures.isEmpty)
        let trial = try #require(try store.trials(in: study).first)
        #expect(trial.trial.intermediateValues.count == 200)
        #expect(try store.appliedChangeSequence() == 201)
        #expect(ChangeLog.segmentPaths(storePath: dir.file("swept.db")).isEmpty)
        try await store.close()
    }

    @Test("a file left open by a crash ends in its reserved zeros: read as the end, with only a cut record torn")
    func unclosedFileEndsInZeros() throws {
        let dir = TempDir()
        let store = dir.file("swept.db")
        let reports = (0..<3).map { step in
            LoggedBatch(firstSequence: UInt64(step + 1), decidedAt: Self.now,
                        mutations: [.report(trial: TrialID(rawValue: 1), step: step, value: Double(step))])
        }
        var log: ChangeLog? = ChangeLog(storePath: store, fsync: false, segmentBytes: 64 << 10)
        for batch in reports { try log?.append(batch) }
        let segment = try #require(ChangeLog.segmentPaths(storePath: store).first)
        // Read while the writer still holds the file, as a replay after kill -9 finds it: reserved, zero-filled.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
        #expect(size == 64 << 10)
        let open = try ChangeLog.read(segment: segment)
        #expect(open.batches.map(\.firstSequence) == [1, 2, 3])
        #expect(open.tornBytes == 0)

        // A record cut off mid-copy, then zeros: only the cut record's bytes count as torn.
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: segment)))
        let used = bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        let cut: [UInt8] = [0x53, 0x57, 0x43, 0x4C, 0x10, 0, 0, 0, 7]
        bytes.replaceSubrange(used..<(used + cut.count), with: cut)
        let copy = dir.file("copy-changes.1")
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        let torn = try ChangeLog.read(segment: copy)
        #expect(torn.batches.count == 3)
        #expect(torn.tornBytes == cut.count)

        // Closing (or dropping) the log trims the reserved tail.
        log = nil
        let trimmed = try #require(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
        #expect(trimmed == used)
    }
}
