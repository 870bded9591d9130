import SweptTuning

extension StudyFactory {
    /// The TPE sampler for `options`.
    static func makeTPE(_ options: TPEOptions, config: StudyConfig) throws -> any Sampler {
        // The tuning core's TPESampler has not landed on this branch yet: until it does, a TPE config is
        // parsed and validated, and building it is refused with a clear message.
        throw ConfigError(
            file: config.sourceFile, line: nil, column: nil, field: "sampler.type",
            message: "the tpe sampler is not available in this build yet; use {type: random} or {type: grid}"
        )
    }
}
