@testable import SweptStore
import SweptTuning
import Testing

@Suite("Group commit: batching, isolation of failures, close")
struct GroupCommitTests {
    let dir = TempDir()

    @Test("concurrent writes share transactions and all land")
    func batching() async throws {
        let store = try makeStore(dir, sync: .full)
        let s = try await store.createStudy(named: "s")
        let t = try await store.createTrial(in: s.id)
        let before = store.commitStatistics
        try await withThrowingTaskGroup(of: Void.self) { group in
            for step in 0..<400 {
                group.addTask { try await store.reportIntermediate(t.id, step: step, value: Double(step)) }
            }
            try await group.waitForAll()
        }
        let after = store.commitStatistics
        #expect(after.operations - before.operations == 400)
        #expect(after.batches - before.batches < 400, "expected batching, got one commit per write")
        #expect(try store.trial(t.id).trial.intermediateValues.count == 400)
        try await store.close()
    }

    @Test("a failing operation gets its error while the rest of its batch commits")
    func failureIsolation() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let t = try await store.createTrial(in: s.id)
        try await store.finishTrial(t.id, state: .fail, values: nil)
        let live = try await store.createTrial(in: s.id)
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<200 {
                group.addTask {
                    do {
                        // Every tenth write targets the finished trial and must fail alone.
                        try await store.reportIntermediate(i % 10 == 0 ? t.id : live.id, step: i, value: 1)
                        return (i, true)
                    } catch {
                        return (i, false)
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.filter { !$0.value }.keys.sorted() == Array(stride(from: 0, to: 200, by: 10)))
        #expect(try store.trial(live.id).trial.intermediateValues.count == 180)
        #expect(try store.trial(t.id).trial.intermediateValues.isEmpty)
        try await store.close()
    }

    @Test("close waits for pending writes, then refuses new ones")
    func closing() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        let pending = Task { try await store.createTrial(in: s.id) }
        _ = try await pending.value
        try await store.close()
        await #expect { try await store.createTrial(in: s.id) } throws: { ($0 as? StoreError)?.code == .closed }
    }
}
