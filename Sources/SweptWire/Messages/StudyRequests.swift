/// The text format of a study configuration.
public enum ConfigFormat: UInt8, Sendable, Codable, CaseIterable {
    /// YAML (the usual `study-configs/*.yaml`).
    case yaml = 0
    /// JSON.
    case json = 1
}

/// `launchStudy`: create (or resume) a study from its configuration.
public struct LaunchStudy: Sendable, Equatable, Codable, WireCodable {
    /// The configuration file's bytes, unparsed; the coordinator parses and validates them.
    public var config: [UInt8]
    /// The configuration's format.
    public var format: ConfigFormat
    /// The file's name, so the coordinator's errors can name it.
    public var sourceName: String
    /// When a study of that name exists: `true` resumes it, `false` fails with `conflict`.
    public var resumeIfExists: Bool

    /// Creates a launch request from raw bytes.
    public init(config: [UInt8], format: ConfigFormat, sourceName: String, resumeIfExists: Bool = false) {
        self.config = config
        self.format = format
        self.sourceName = sourceName
        self.resumeIfExists = resumeIfExists
    }

    /// Creates a launch request from configuration text.
    public init(configText: String, format: ConfigFormat, sourceName: String, resumeIfExists: Bool = false) {
        self.init(
            config: Array(configText.utf8), format: format, sourceName: sourceName,
            resumeIfExists: resumeIfExists)
    }

    public func encode(to writer: inout WireWriter) {
        writer.byteString(config)
        writer.u8(format.rawValue)
        writer.string(sourceName)
        writer.bool(resumeIfExists)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        config = try reader.byteString("launch.config")
        format = try reader.rawEnum("launch.format", ConfigFormat.self)
        sourceName = try reader.string("launch.sourceName")
        resumeIfExists = try reader.bool("launch.resumeIfExists")
    }
}

/// Reply to `launchStudy`.
public struct StudyLaunched: Sendable, Equatable, Codable, WireCodable {
    /// The study's id in the store.
    public var studyID: Int64
    /// The study's name.
    public var studyName: String
    /// `true` when the study was created now, `false` when an existing one was resumed.
    public var created: Bool

    /// Creates a launch reply.
    public init(studyID: Int64, studyName: String, created: Bool) {
        self.studyID = studyID
        self.studyName = studyName
        self.created = created
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(studyID)
        writer.string(studyName)
        writer.bool(created)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        studyID = try reader.i64("launched.studyID")
        studyName = try reader.string("launched.studyName")
        created = try reader.bool("launched.created")
    }
}

/// A request that names one study (`stopStudy`), or optionally one (`status`).
public struct StudyReference: Sendable, Equatable, Codable, WireCodable {
    /// The study's name; `nil` (status only) means every study.
    public var study: String?

    /// Creates a study reference.
    public init(study: String?) {
        self.study = study
    }

    public func encode(to writer: inout WireWriter) {
        writer.optional(study) { $0.string($1) }
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        study = try reader.optionalString("study")
    }
}

/// `trials`: a page of a study's trials, filtered by state.
public struct TrialsQuery: Sendable, Equatable, Codable, WireCodable {
    /// The study's name.
    public var study: String
    /// Only these states; empty means all.
    public var states: [TrialState]
    /// Trials to skip (by number order).
    public var offset: UInt32
    /// At most this many trials.
    public var limit: UInt32
    /// Whether each trial comes with all its intermediate values.
    public var withIntermediate: Bool

    /// Creates a trials query.
    public init(study: String, states: [TrialState] = [], offset: UInt32 = 0, limit: UInt32 = 100,
                withIntermediate: Bool = false) {
        self.study = study
        self.states = states
        self.offset = offset
        self.limit = limit
        self.withIntermediate = withIntermediate
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(study)
        writer.array(states) { $0.u8($1.rawValue) }
        writer.u32(offset)
        writer.u32(limit)
        writer.bool(withIntermediate)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        study = try reader.string("trials.study")
        states = try reader.array("trials.states") { reader throws(WireDecodeError) in
            try reader.rawEnum("trials.states", TrialState.self)
        }
        offset = try reader.u32("trials.offset")
        limit = try reader.u32("trials.limit")
        withIntermediate = try reader.bool("trials.withIntermediate")
    }
}

/// `best`: the best trials of a study (the Pareto front for several objectives).
public struct BestQuery: Sendable, Equatable, Codable, WireCodable {
    /// The study's name.
    public var study: String
    /// At most this many trials.
    public var limit: UInt32

    /// Creates a best-trials query.
    public init(study: String, limit: UInt32 = 1) {
        self.study = study
        self.limit = limit
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(study)
        writer.u32(limit)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        study = try reader.string("best.study")
        limit = try reader.u32("best.limit")
    }
}

/// `enqueueTrial`: a trial with fixed parameters, run before sampled ones.
public struct EnqueueTrial: Sendable, Equatable, Codable, WireCodable {
    /// The study's name.
    public var study: String
    /// The parameters to run (validated against the search space by the coordinator).
    public var parameters: [TrialParameter]
    /// Skip if a trial with these parameters already exists.
    public var skipIfExists: Bool

    /// Creates an enqueue request.
    public init(study: String, parameters: [TrialParameter], skipIfExists: Bool = false) {
        self.study = study
        self.parameters = parameters
        self.skipIfExists = skipIfExists
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(study)
        parameters.encode(to: &writer)
        writer.bool(skipIfExists)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        study = try reader.string("enqueue.study")
        parameters = try [TrialParameter](from: &reader, "enqueue.parameters", minimumElementSize: 6)
        skipIfExists = try reader.bool("enqueue.skipIfExists")
    }
}

/// Reply to `enqueueTrial`.
public struct Enqueued: Sendable, Equatable, Codable, WireCodable {
    /// The new (or existing, when skipped) trial's id.
    public var trialID: Int64
    /// Its number within the study.
    public var number: Int64
    /// `false` when `skipIfExists` found an existing trial.
    public var created: Bool

    /// Creates an enqueue reply.
    public init(trialID: Int64, number: Int64, created: Bool) {
        self.trialID = trialID
        self.number = number
        self.created = created
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.i64(number)
        writer.bool(created)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("enqueued.trialID")
        number = try reader.i64("enqueued.number")
        created = try reader.bool("enqueued.created")
    }
}

/// An error reply: a code from `WireErrorCode` and a message that says what to do.
public struct ErrorReply: Sendable, Equatable, Codable, WireCodable {
    /// What kind of failure.
    public var code: WireErrorCode
    /// Human-readable detail naming the field or entity.
    public var message: String

    /// Creates an error reply.
    public init(code: WireErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public func encode(to writer: inout WireWriter) {
        writer.u16(code.rawValue)
        writer.string(message)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        let raw = try reader.u16("error.code")
        guard let code = WireErrorCode(rawValue: raw) else {
            throw .invalidValue(field: "error.code", expected: "a known error code (got \(raw))")
        }
        self.code = code
        message = try reader.string("error.message")
    }
}
