import GRDB
import SweptTuning

/// Optuna's encoding of a double in (value, value_type) columns: non-finite values are NULL plus a type.
enum StoredDouble {
    /// `trial_values.value_type` / `trial_intermediate_values.intermediate_value_type` and the column value.
    static func encode(_ value: Double) -> (value: Double?, type: String) {
        if value.isNaN { return (nil, "NAN") }
        if value == .infinity { return (nil, "INF_POS") }
        if value == -.infinity { return (nil, "INF_NEG") }
        return (value, "FINITE")
    }

    /// The double a stored pair stands for.
    static func decode(_ value: Double?, type: String) -> Double {
        switch type {
        case "INF_POS": return .infinity
        case "INF_NEG": return -.infinity
        case "NAN": return .nan
        default: return value ?? .nan
        }
    }
}

/// Statements shared by write operations (all run inside the group-commit transaction).
enum RowHelpers {
    /// The trial's study, number and state, or `.trialNotFound`.
    static func trialRow(_ db: Database, _ trial: TrialID) throws -> (ref: TrialRef, state: TrialState) {
        let statement = try db.cachedStatement(sql: "SELECT study_id, number, state FROM trials WHERE trial_id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [trial.rawValue]) else {
            throw StoreError(.trialNotFound, "no trial with id \(trial.rawValue) in the store")
        }
        let stateName: String = row[2]
        guard let state = TrialState(rawValue: stateName) else {
            throw StoreError(.invalidValue, "trial id \(trial.rawValue) has unknown state '\(stateName)'")
        }
        let ref = TrialRef(id: trial, study: StudyID(rawValue: row[0]), number: row[1] ?? -1)
        return (ref, state)
    }

    /// Throws unless the trial may still change (RUNNING or WAITING), naming the operation.
    static func requireUnfinished(_ db: Database, _ trial: TrialID, _ operation: String) throws -> TrialRef {
        let (ref, state) = try trialRow(db, trial)
        try requireUnfinished(ref, state, operation)
        return ref
    }

    /// Throws unless a trial in `state` may still change, naming the operation.
    static func requireUnfinished(_ ref: TrialRef, _ state: TrialState, _ operation: String) throws {
        guard !state.isFinished else {
            throw StoreError(.invalidState, "\(operation): trial \(ref.number) of study \(ref.study.rawValue) is "
                + "already \(state.rawValue); only RUNNING or WAITING trials can change")
        }
    }

    /// The study's directions, or `.studyNotFound`.
    static func directions(_ db: Database, _ study: StudyID) throws -> [StudyDirection] {
        let statement = try db.cachedStatement(
            sql: "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective")
        let names = try String.fetchAll(statement, arguments: [study.rawValue])
        guard !names.isEmpty else {
            throw StoreError(.studyNotFound, "no study with id \(study.rawValue) in the store")
        }
        return try names.map { name in
            guard let d = StudyDirection(rawValue: name) else {
                throw StoreError(.invalidValue, "study \(study.rawValue) has unknown direction '\(name)'")
            }
            return d
        }
    }

    /// The next per-study trial number: one past the largest, which is the number of the study's last trial by id
    /// (Optuna numbers trials in id order: a new trial's number is the count of the study's earlier trials) or
    /// of an unfinished trial (through `swept_ix_trials_study_unfinished`), whichever is larger. Both are index
    /// seeks, so creating a trial costs the same in a study of any size.
    static func nextNumber(_ db: Database, _ study: StudyID) throws -> Int {
        let statement = try db.cachedStatement(sql: """
            SELECT MAX(m) FROM (
                SELECT number AS m FROM (
                    SELECT number FROM trials WHERE study_id = ?1 ORDER BY trial_id DESC LIMIT 1) UNION ALL
                SELECT MAX(number) FROM trials WHERE study_id = ?1 AND state <> 'COMPLETE')
            """)
        let largest = try Int.fetchOne(statement, arguments: [study.rawValue])
        return (largest ?? -1) + 1
    }

    /// Appends to the event log.
    static func event(_ db: Database, at: Double, kind: String, study: StudyID?, trial: TrialID?,
                      detail: AttributeValue? = nil) throws {
        try event(db, at: at, kind: kind, study: study, trial: trial, detailJSON: detail.map(AttributeJSON.encode))
    }

    /// Appends an event whose detail is already JSON text (as `AttributeJSON.encode` writes it).
    static func event(_ db: Database, at: Double, kind: String, study: StudyID?, trial: TrialID?,
                      detailJSON: String?) throws {
        let insert = try FastWrite(
            db, "INSERT INTO swept_events (at, kind, study_id, trial_id, detail) VALUES (?, ?, ?, ?, ?)")
        insert.bind(1, at)
        insert.bind(2, kind)
        insert.bind(3, study?.rawValue)
        insert.bind(4, trial?.rawValue)
        insert.bind(5, detailJSON)
        try insert.run(db)
    }

    /// The detail of a `lease.granted` event, `{"epoch": …, "worker": …}`: what `AttributeJSON.encode` writes for
    /// that object (keys sorted), without building the object.
    static func leaseGrantedDetail(worker: String, epoch: Int) -> String {
        "{\"epoch\": \(epoch), \"worker\": \(JSONValue.string(worker).pythonJSON)}"
    }

    /// Inserts or replaces an attribute row in one of Optuna's four attribute tables.
    static func setAttribute(_ db: Database, table: String, owner: String, id: Int64, key: String,
                             value: AttributeValue) throws {
        let upsert = try FastWrite(db, attributeUpsertSQL(table: table, owner: owner))
        upsert.bind(1, id)
        upsert.bind(2, key)
        upsert.bind(3, AttributeJSON.encode(value))
        try upsert.run(db)
    }

    /// The upsert of one attribute row; the four tables' statements are built once (the applier writes one per
    /// finish, and the statement cache is keyed by the SQL text).
    private static func attributeUpsertSQL(table: String, owner: String) -> String {
        switch (table, owner) {
        case ("trial_system_attributes", "trial_id"): trialSystemAttributeUpsert
        case ("trial_user_attributes", "trial_id"): trialUserAttributeUpsert
        case ("study_system_attributes", "study_id"): studySystemAttributeUpsert
        case ("study_user_attributes", "study_id"): studyUserAttributeUpsert
        default: buildAttributeUpsert(table: table, owner: owner)
        }
    }

    private static let trialSystemAttributeUpsert = buildAttributeUpsert(table: "trial_system_attributes",
                                                                         owner: "trial_id")
    private static let trialUserAttributeUpsert = buildAttributeUpsert(table: "trial_user_attributes",
                                                                       owner: "trial_id")
    private static let studySystemAttributeUpsert = buildAttributeUpsert(table: "study_system_attributes",
                                                                         owner: "study_id")
    private static let studyUserAttributeUpsert = buildAttributeUpsert(table: "study_user_attributes",
                                                                       owner: "study_id")

    private static func buildAttributeUpsert(table: String, owner: String) -> String {
        """
        INSERT INTO \(table) (\(owner), "key", value_json) VALUES (?, ?, ?)
        ON CONFLICT (\(owner), "key") DO UPDATE SET value_json = excluded.value_json
        """
    }

    /// Writes one parameter in Optuna's representation; a repeat with the same value is a no-op. `fresh`: the
    /// trial's row was inserted in this transaction, so it has no parameters to check against.
    static func setParam(_ db: Database, _ ref: TrialRef, name: String, value: ParamValue,
                         distribution: Distribution, fresh: Bool = false) throws {
        let internalValue: Double
        do {
            internalValue = try distribution.toInternal(value)
        } catch {
            throw StoreError(.invalidValue, "trial \(ref.number) parameter '\(name)': \(error)")
        }
        guard distribution.contains(internal: internalValue) else {
            throw StoreError(.invalidValue, "trial \(ref.number) parameter '\(name)': \(value) lies outside "
                + DistributionJSON.encode(distribution))
        }
        try setInternalParam(db, ref, name: name, internalValue: internalValue,
                             distributionJSON: DistributionJSON.encode(distribution), fresh: fresh)
    }

    /// Writes one parameter already in internal representation.
    static func setInternalParam(_ db: Database, _ ref: TrialRef, name: String, internalValue: Double,
                                 distributionJSON: String, fresh: Bool = false) throws {
        let existing = fresh ? nil : try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT param_value, distribution_json FROM trial_params WHERE trial_id = ? AND param_name = ?
                """),
            arguments: [ref.id.rawValue, name])
        if let existing {
            let oldValue: Double? = existing[0]
            let oldJSON: String? = existing[1]
            if oldValue == internalValue && oldJSON == distributionJSON { return }
            throw StoreError(.invalidState, "trial \(ref.number) parameter '\(name)' is already set to "
                + "\(oldValue.map { "\($0)" } ?? "null") with \(oldJSON ?? "?"); a parameter is set once per trial")
        }
        let insert = try FastWrite(
            db, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)")
        insert.bind(1, ref.id.rawValue)
        insert.bind(2, name)
        insert.bind(3, internalValue)
        insert.bind(4, distributionJSON)
        try insert.run(db)
    }

    /// Records an intermediate value; returns false when the step was already reported (a no-op).
    static func report(_ db: Database, _ trial: TrialID, step: Int, value: Double) throws -> Bool {
        let (stored, type) = StoredDouble.encode(value)
        let insert = try FastWrite(db, """
            INSERT OR IGNORE INTO trial_intermediate_values
                (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)
            """)
        insert.bind(1, trial.rawValue)
        insert.bind(2, step)
        insert.bind(3, stored)
        insert.bind(4, type)
        try insert.run(db)
        return db.changesCount > 0
    }
}
