import SweptConfig
import SweptTuning

extension StudySpec {
    /// A fresh in-memory study with this spec's sampler and pruner.
    /// - Throws: `ConfigError` when the sampler or pruner options are invalid.
    public func makeStudy(clock: (@Sendable () -> Double)? = nil) throws -> Study {
        let sampler = try StudyFactory.makeSampler(self.sampler, file: name)
        let pruner = try StudyFactory.makePruner(self.pruner, file: name)
        let study = try Study(directions: directions, sampler: sampler, pruner: pruner)
        study.clock = clock
        return study
    }
}
