import SweptConfig
import SweptLearn
@testable import SweptWorker
import Testing

@Suite("Trainer settings from a trial's parameters")
struct TrainerSettingsTests {
    /// A split step sets OpenBLAS's process-wide thread count to 1 for each epoch; with several slots in one worker
    /// process that would change the products of a trial training beside it, so such trials keep OpenBLAS threading.
    @Test func trialsThatShareTheProcessDoNotSplitTheirSteps() throws {
        let config = TrainerConfig(model: .mlp, epochs: 1)
        let alone = try TrainerSettings(config: config, params: [:], trialNumber: 0, threads: 2)
        #expect(alone.training.splitsSteps)
        #expect(alone.training.threads == 2)
        let shared = try TrainerSettings(config: config, params: [:], trialNumber: 0, threads: 2, concurrentTrials: 2)
        #expect(!shared.training.splitsSteps)
        #expect(shared.training.threads == 2)
        #expect(ObjectiveContext(studyName: "s", trialNumber: 0, params: [:], concurrentTrials: 0).concurrentTrials == 1)
    }
}
