import GRDB
import SweptTuning

extension StudyStore {
    /// The study's trials (all, or those in `states`), ordered by number.
    public func trials(in study: StudyID, states: Set<TrialState>? = nil) throws -> [StoredTrial] {
        try read("read trials of study \(study.rawValue)") { db in
            try TrialLoader.load(db, .study(study, states: states))
        }
    }

    /// One trial by id, or `.trialNotFound`.
    public func trial(_ id: TrialID) throws -> StoredTrial {
        try read("read trial id \(id.rawValue)") { db in
            guard let trial = try TrialLoader.load(db, .trials([id])).first else {
                throw StoreError(.trialNotFound, "no trial with id \(id.rawValue) in the store")
            }
            return trial
        }
    }

    /// The trial with per-study `number`, or nil.
    public func trial(in study: StudyID, number: Int) throws -> StoredTrial? {
        try read("read trial \(number) of study \(study.rawValue)") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT trial_id FROM trials WHERE study_id = ? AND number = ?",
                                              arguments: [study.rawValue, number]) else { return nil }
            return try TrialLoader.load(db, .trials([TrialID(rawValue: id)])).first
        }
    }

    /// The best COMPLETE trial of a single-objective study, or nil when none completed.
    /// - Throws: `.invalidValue` for a multi-objective study (use `paretoFront(of:)`).
    public func bestTrial(in study: StudyID) throws -> StoredTrial? {
        try bestTrials(in: study, limit: 1).first
    }

    /// The `limit` best COMPLETE trials of a single-objective study, best first.
    public func bestTrials(in study: StudyID, limit: Int) throws -> [StoredTrial] {
        try read("read best trials of study \(study.rawValue)") { db in
            let directions = try RowHelpers.directions(db, study)
            guard directions.count == 1 else {
                throw StoreError(.invalidValue, "study \(study.rawValue) has \(directions.count) objectives; best "
                    + "trials are defined for one objective, use paretoFront(of:) instead")
            }
            let ids = try BestTrialQuery.bestTrialIDs(db, study: study, direction: directions[0], limit: limit)
            let trials = try TrialLoader.load(db, .trials(ids))
            let loaded = Dictionary(uniqueKeysWithValues: trials.map { ($0.ref.id, $0) })
            return ids.compactMap { loaded[$0] }
        }
    }

    /// The COMPLETE trials no other COMPLETE trial dominates, ordered by number (any number of objectives).
    public func paretoFront(of study: StudyID) throws -> [StoredTrial] {
        try read("read Pareto front of study \(study.rawValue)") { db in
            let directions = try RowHelpers.directions(db, study)
            var byID: [Int64: FrozenTrial] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT t.trial_id, t.number, v.objective, v.value, v.value_type FROM trials t
                JOIN trial_values v ON v.trial_id = t.trial_id
                WHERE t.study_id = ? AND t.state = 'COMPLETE'
                """, arguments: [study.rawValue])
            while let row = try rows.next() {
                let id: Int64 = row[0]
                let objective: Int = row[2]
                var trial = byID[id] ?? FrozenTrial(number: row[1] ?? 0, state: .complete,
                                                    values: Array(repeating: .nan, count: directions.count))
                if objective < directions.count {
                    trial.values?[objective] = StoredDouble.decode(row[3], type: row[4] ?? "FINITE")
                }
                byID[id] = trial
            }
            let idByNumber = Dictionary(byID.map { ($0.value.number, $0.key) }, uniquingKeysWith: min)
            let front = ParetoFront.trials(Array(byID.values), directions: directions)
            let ids = front.compactMap { idByNumber[$0.number] }.map(TrialID.init(rawValue:))
            return try TrialLoader.load(db, .trials(ids))
        }
    }

    /// What COMPLETE trials reported at exactly `step` — the median and percentile pruners' reference.
    public func completedValues(in study: StudyID, atStep step: Int) throws -> StepValues {
        try read("read step \(step) values of study \(study.rawValue)") { db in
            var values: [Double] = []
            var nanCount = 0
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT iv.intermediate_value, iv.intermediate_value_type
                FROM trials t INDEXED BY ix_trials_study_id
                JOIN trial_intermediate_values iv ON iv.trial_id = t.trial_id AND iv.step = ?
                WHERE t.study_id = ? AND t.state = 'COMPLETE'
                """), arguments: [step, study.rawValue])
            while let row = try rows.next() {
                let value = StoredDouble.decode(row[0], type: row[1] ?? "FINITE")
                if value.isNaN { nanCount += 1 } else { values.append(value) }
            }
            return StepValues(sorted: values.sorted(), nanCount: nanCount)
        }
    }

    /// How many trials the study has in each state (states without trials are absent).
    public func trialCounts(in study: StudyID) throws -> [TrialState: Int] {
        try read("count trials of study \(study.rawValue)") { db in try Self.counts(db, study) }
    }

    /// A study's list entry: counts by state, best trial, start time, user attributes.
    public func summary(of study: StudyID) throws -> StudySummary {
        let record = try self.study(study)
        let best = record.directions.count == 1 ? try bestTrial(in: study) : nil
        return try read("summarize study \(study.rawValue)") { db in
            let start = try String.fetchOne(db, sql: "SELECT MIN(datetime_start) FROM trials WHERE study_id = ?",
                                            arguments: [study.rawValue])
            return StudySummary(
                study: record, counts: try Self.counts(db, study), bestTrial: best,
                startedAt: start.flatMap(OptunaDateTime.parse),
                userAttributes: try Self.attributes(db, table: "study_user_attributes", owner: "study_id",
                                                    id: study.rawValue))
        }
    }

    /// Summaries of every study, by id.
    public func summaries() throws -> [StudySummary] {
        try allStudies().map { try summary(of: $0.id) }
    }

    /// Everything a coordinator needs to rebuild a study in memory: the study, its attributes, every trial in
    /// number order and the trials' live leases.
    public func loadStudy(_ study: StudyID) throws -> LoadedStudy {
        try read("load study \(study.rawValue)") { db in
            let record = try Self.studyRecord(db, study)
            let stored = try TrialLoader.loadColumns(db, .study(study, states: nil))
            let leases = try Row.fetchAll(db, sql: """
                SELECT l.trial_id, l.worker_id, l.epoch, l.deadline, l.granted_at, l.state FROM swept_leases l
                JOIN trials t ON t.trial_id = l.trial_id WHERE t.study_id = ? AND l.state != 'RELEASED'
                ORDER BY l.trial_id
                """, arguments: [study.rawValue]).map { row in
                Lease(trial: TrialID(rawValue: row[0]), worker: row[1], epoch: row[2], deadline: row[3],
                      grantedAt: row[4], state: Lease.State(rawValue: row[5]) ?? .expired)
            }
            return LoadedStudy(
                study: record,
                userAttributes: try Self.attributes(db, table: "study_user_attributes", owner: "study_id",
                                                    id: study.rawValue),
                systemAttributes: try Self.attributes(db, table: "study_system_attributes", owner: "study_id",
                                                      id: study.rawValue),
                trials: stored.trials, trialIDs: stored.refs.map(\.id), leases: leases)
        }
    }

    /// Counts by state: every trial through Optuna's `ix_trials_study_id`, the unfinished ones through
    /// `swept_ix_trials_study_unfinished`; COMPLETE is the difference.
    static func counts(_ db: Database, _ study: StudyID) throws -> [TrialState: Int] {
        var counts: [TrialState: Int] = [:]
        let total = try Int.fetchOne(db.cachedStatement(
            sql: "SELECT COUNT(*) FROM trials INDEXED BY ix_trials_study_id WHERE study_id = ?"),
            arguments: [study.rawValue]) ?? 0
        var unfinished = 0
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT state, COUNT(*) FROM trials WHERE study_id = ? AND state <> 'COMPLETE' GROUP BY state
            """), arguments: [study.rawValue]) {
            let name: String = row[0]
            let count: Int = row[1]
            unfinished += count
            if let state = TrialState(rawValue: name) { counts[state] = count }
        }
        if total > unfinished { counts[.complete] = total - unfinished }
        return counts
    }
}
