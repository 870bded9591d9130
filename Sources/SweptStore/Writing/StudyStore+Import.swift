import GRDB
import SweptTuning

extension StudyStore {
    /// Copies the study `studyName` of an Optuna 5.0 SQLite database (or another swept store) into this store,
    /// trial by trial in number order — params with their distributions, values, intermediate values, user and
    /// system attributes, states and times — in one transaction. The source file is opened read-only and never
    /// modified.
    ///
    /// - Parameter newName: the name in this store (default: the same name).
    /// - Throws: `.studyNotFound` when the source has no such study, `.duplicateStudyName` when the name is taken
    ///   here, and the open errors (`.notADatabase`, `.corrupt`, `.incompatibleSchema`, …) for the source.
    public func importOptunaStudy(from sourcePath: String, studyName: String,
                                  as newName: String? = nil) async throws -> StudyRecord {
        let name = newName ?? studyName
        try Self.validateStudyName(name)
        let source = try Self.readOptunaStudy(path: sourcePath, studyName: studyName)
        let now = clock()
        return try await write("import study '\(studyName)' from \(sourcePath)") { db in
            let record = try Self.insertStudy(db, name: name, directions: source.study.directions,
                                              userAttributes: source.userAttributes,
                                              systemAttributes: source.systemAttributes, now: now)
            for trial in source.trials {
                _ = try Self.insertFrozenTrial(db, trial, study: record.id, directions: record.directions, now: now)
            }
            try RowHelpers.event(db, at: now, kind: "study.imported", study: record.id, trial: nil,
                                 detail: .object(["source": .string(sourcePath), "study": .string(studyName),
                                                  "trials": .int(source.trials.count)]))
            return record
        }
    }

    /// Names of the studies in an Optuna (or swept) SQLite file, opened read-only.
    public static func optunaStudyNames(at path: String) throws -> [String] {
        try withSource(path) { db in try String.fetchAll(db, sql: "SELECT study_name FROM studies ORDER BY study_id") }
    }

    static func readOptunaStudy(path: String, studyName: String) throws -> LoadedStudy {
        try withSource(path) { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?",
                                              arguments: [studyName]) else {
                let names = try String.fetchAll(db, sql: "SELECT study_name FROM studies ORDER BY study_id")
                throw StoreError(.studyNotFound, "\(path) has no study named '\(studyName)'; it holds: "
                    + (names.isEmpty ? "no studies" : names.map { "'\($0)'" }.joined(separator: ", ")))
            }
            let study = StudyID(rawValue: id)
            let record = try studyRecord(db, study)
            let trials = try TrialLoader.load(db, .study(study, states: nil))
            return LoadedStudy(
                study: record,
                userAttributes: try attributes(db, table: "study_user_attributes", owner: "study_id", id: id),
                systemAttributes: try attributes(db, table: "study_system_attributes", owner: "study_id", id: id),
                trials: trials.map(\.trial), trialIDs: trials.map(\.ref.id), leases: [])
        }
    }

    private static func withSource<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        do {
            guard try FileCheck.check(path) == .sqlite else {
                throw StoreError(.invalidValue, "Optuna database \(path) does not exist or is empty")
            }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                _ = try SchemaInspection.inspect(db, path: path)
                return try body(db)
            }
        } catch {
            throw StoreError.wrap(error, path: path, doing: "read Optuna study")
        }
    }
}
