import Foundation
import SweptCoordinator
import SweptStore
import SweptTuning
import SweptWire
import Testing

@Suite("Commit placements: every way of writing the change log acknowledges the same, durable changes")
struct CommitPlacementTests {
    @Test("four workers at once finish a study; the store holds every acknowledged report and finish",
          .timeLimit(.minutes(1)), arguments: [CommitPlacement.inline, .leader, .commitThread, .automatic])
    func placementsAgree(_ placement: CommitPlacement) async throws {
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 20_000, heartbeatIntervalMillis: 100,
                                                                commitPlacement: placement))
        try await h.launch("placed", trials: 12)
        let workers = ["w1", "w2", "w3", "w4"]
        for worker in workers { await h.register(worker) }
        let finished = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in workers {
                group.addTask {
                    var ids: [Int64] = []
                    while let assignment = await h.acquire(worker) {
                        for step in 0..<2 {
                            let reply = await h.send(.reportIntermediate(IntermediateReport(
                                trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch, step: Int64(step),
                                value: Double(step))), from: worker)
                            #expect(reply.decision == .continue)
                        }
                        let done = await h.send(.finishTrial(TrialFinish(
                            trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch,
                            outcome: .complete(values: [Double(assignment.number)]))), from: worker)
                        #expect(done == .acknowledged)
                        ids.append(assignment.trialID)
                    }
                    return ids
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(finished.count == 12)
        #expect(Set(finished).count == 12)
        let trials = try await h.readTrials("placed")
        #expect(trials.count == 12)
        #expect(trials.allSatisfy { $0.trial.state == .complete && $0.trial.intermediateValues == [0: 0, 1: 1] })
        let values: [Double] = trials.compactMap { $0.trial.values?.first }.sorted()
        #expect(values == (0..<12).map(Double.init))
        #expect(h.coordinator.commitBatches > 0)
    }
}
