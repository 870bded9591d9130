import GRDB
import SweptTuning

extension StudyStore {
    /// Creates a trial with the study's next number (assigned atomically by the single writer).
    ///
    /// - Parameter state: `.running` (started now unless `startedAt` is given) or `.waiting`.
    public func createTrial(in study: StudyID, state: TrialState = .running,
                            startedAt: Double? = nil) async throws -> TrialRef {
        guard !state.isFinished else {
            throw StoreError(.invalidValue, "createTrial: state must be RUNNING or WAITING, got \(state.rawValue); "
                + "use addTrial to record a finished trial")
        }
        let start = state == .running ? (startedAt ?? clock()) : nil
        let now = clock()
        return try await write("create trial in study \(study.rawValue)") { db in
            _ = try RowHelpers.directions(db, study)
            return try Self.insertTrial(db, study: study, state: state, startedAt: start, completedAt: nil, now: now)
        }
    }

    /// Records a whole trial at once — params, values, intermediate values, attributes, state and times — with
    /// the study's next number. Used to copy trials (import) and to record trials finished elsewhere.
    public func addTrial(_ trial: FrozenTrial, to study: StudyID) async throws -> TrialRef {
        let now = clock()
        return try await write("add trial to study \(study.rawValue)") { db in
            try Self.insertFrozenTrial(db, trial, study: study, directions: RowHelpers.directions(db, study), now: now)
        }
    }

    /// Enqueues a WAITING trial with fixed parameters, stored like Optuna's `enqueue_trial` (system attribute
    /// `fixed_params`), so that Optuna and swept both pick it up first.
    public func enqueueTrial(in study: StudyID, params: [String: ParamValue],
                             userAttributes: [String: AttributeValue] = [:]) async throws -> TrialRef {
        let now = clock()
        return try await write("enqueue trial in study \(study.rawValue)") { db in
            _ = try RowHelpers.directions(db, study)
            let ref = try Self.insertTrial(db, study: study, state: .waiting, startedAt: nil, completedAt: nil,
                                           now: now)
            let fixed = AttributeValue.object(params.mapValues(AttributeValue.init))
            try RowHelpers.setAttribute(db, table: "trial_system_attributes", owner: "trial_id", id: ref.id.rawValue,
                                        key: FrozenTrial.fixedParamsKey, value: fixed)
            for key in userAttributes.keys.sorted() {
                try RowHelpers.setAttribute(db, table: "trial_user_attributes", owner: "trial_id", id: ref.id.rawValue,
                                            key: key, value: userAttributes[key] ?? .null)
            }
            return ref
        }
    }

    /// Turns the study's oldest WAITING trial into a RUNNING one (started now) and returns it, or nil.
    public func claimWaitingTrial(in study: StudyID) async throws -> TrialRef? {
        let now = clock()
        return try await write("claim waiting trial in study \(study.rawValue)") { db -> TrialRef? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT trial_id, number FROM trials WHERE study_id = ? AND state = 'WAITING' AND state <> 'COMPLETE'
                ORDER BY number LIMIT 1
                """, arguments: [study.rawValue]) else { return nil }
            let id = TrialID(rawValue: row[0])
            try db.execute(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?",
                           arguments: [OptunaDateTime.format(now), id.rawValue])
            try RowHelpers.event(db, at: now, kind: "trial.claimed", study: study, trial: id)
            return TrialRef(id: id, study: study, number: row[1])
        }
    }

    /// Sets parameters of an unfinished trial (external values, checked against their distributions). Setting a
    /// parameter again with the same value and distribution is a no-op; a different one is refused.
    public func setParams(_ trial: TrialID, _ params: [String: ParamValue],
                          distributions: [String: Distribution]) async throws {
        for name in params.keys where distributions[name] == nil {
            throw StoreError(.invalidValue, "setParams: parameter '\(name)' has no distribution")
        }
        try await write("set params of trial id \(trial.rawValue)") { db in
            let ref = try RowHelpers.requireUnfinished(db, trial, "set params")
            for name in params.keys.sorted() {
                guard let value = params[name], let distribution = distributions[name] else { continue }
                try RowHelpers.setParam(db, ref, name: name, value: value, distribution: distribution)
            }
        }
    }

    /// Records the intermediate value of a RUNNING trial at `step` (≥ 0; NaN and ±inf allowed).
    /// - Returns: false when `step` was already reported: the first value stays (Optuna's rule).
    @discardableResult
    public func reportIntermediate(_ trial: TrialID, step: Int, value: Double) async throws -> Bool {
        guard step >= 0 else {
            throw StoreError(.invalidValue, "report for trial id \(trial.rawValue): step must be >= 0, got \(step)")
        }
        return try await write("report step \(step) of trial id \(trial.rawValue)") { db in
            _ = try Self.requireRunning(db, trial, "report")
            return try RowHelpers.report(db, trial, step: step, value: value)
        }
    }

    /// Records several intermediate values of one RUNNING trial in one operation.
    /// - Returns: per value, whether it was new.
    @discardableResult
    public func reportIntermediates(_ trial: TrialID, _ values: [(step: Int, value: Double)]) async throws -> [Bool] {
        if let bad = values.first(where: { $0.step < 0 }) {
            throw StoreError(.invalidValue, "report for trial id \(trial.rawValue): step must be >= 0, got \(bad.step)")
        }
        return try await write("report \(values.count) steps of trial id \(trial.rawValue)") { db in
            _ = try Self.requireRunning(db, trial, "report")
            return try values.map { try RowHelpers.report(db, trial, step: $0.step, value: $0.value) }
        }
    }

    /// Finishes an unfinished trial with a final state and (for COMPLETE: one finite-or-infinite, non-NaN
    /// value per objective) its values. The trial's lease is dropped.
    public func finishTrial(_ trial: TrialID, state: TrialState, values: [Double]?,
                            completedAt: Double? = nil) async throws {
        guard state.isFinished else {
            throw StoreError(.invalidValue, "finishTrial of trial id \(trial.rawValue): state must be COMPLETE, "
                + "PRUNED or FAIL, got \(state.rawValue)")
        }
        if let values, values.contains(where: \.isNaN) {
            throw StoreError(.invalidValue, "finishTrial of trial id \(trial.rawValue): values must not be NaN, got "
                + "\(values); report a failure with state FAIL instead")
        }
        let end = completedAt ?? clock()
        try await write("finish trial id \(trial.rawValue)") { db in
            let ref = try RowHelpers.requireUnfinished(db, trial, "finish")
            let directions = try RowHelpers.directions(db, ref.study)
            try Self.writeFinish(db, ref, state: state, values: values, directions: directions, completedAt: end)
            try db.cachedStatement(sql: "DELETE FROM swept_leases WHERE trial_id = ?")
                .execute(arguments: [trial.rawValue])
            if state == .fail {
                try RowHelpers.event(db, at: end, kind: "trial.fail", study: ref.study, trial: trial)
            }
        }
    }

    /// Sets (or replaces) a trial user attribute.
    public func setTrialUserAttribute(_ trial: TrialID, key: String, value: AttributeValue) async throws {
        try await write("set user attribute '\(key)' of trial id \(trial.rawValue)") { db in
            _ = try RowHelpers.trialRow(db, trial)
            try RowHelpers.setAttribute(db, table: "trial_user_attributes", owner: "trial_id", id: trial.rawValue,
                                        key: key, value: value)
        }
    }

    /// Sets (or replaces) a trial system attribute.
    public func setTrialSystemAttribute(_ trial: TrialID, key: String, value: AttributeValue) async throws {
        try await write("set system attribute '\(key)' of trial id \(trial.rawValue)") { db in
            _ = try RowHelpers.trialRow(db, trial)
            try RowHelpers.setAttribute(db, table: "trial_system_attributes", owner: "trial_id", id: trial.rawValue,
                                        key: key, value: value)
        }
    }

    /// Records a heartbeat of a RUNNING trial in Optuna's `trial_heartbeats` table.
    public func recordHeartbeat(_ trial: TrialID, at time: Double? = nil) async throws {
        let at = OptunaDateTime.format(time ?? clock())
        try await write("heartbeat of trial id \(trial.rawValue)") { db in
            _ = try Self.requireRunning(db, trial, "heartbeat")
            try db.cachedStatement(sql: """
                INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, ?)
                ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat
                """).execute(arguments: [trial.rawValue, at])
        }
    }

    // MARK: - Shared with import

    static func requireRunning(_ db: Database, _ trial: TrialID, _ operation: String) throws -> TrialRef {
        let (ref, state) = try RowHelpers.trialRow(db, trial)
        guard state == .running else {
            throw StoreError(.invalidState, "\(operation): trial \(ref.number) of study \(ref.study.rawValue) is "
                + "\(state.rawValue); only a RUNNING trial accepts it")
        }
        return ref
    }

    static func insertTrial(_ db: Database, study: StudyID, state: TrialState, startedAt: Double?,
                            completedAt: Double?, now: Double) throws -> TrialRef {
        let number = try RowHelpers.nextNumber(db, study)
        try db.cachedStatement(sql: """
            INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [number, study.rawValue, state.rawValue, startedAt.map(OptunaDateTime.format),
                                     completedAt.map(OptunaDateTime.format)])
        let id = TrialID(rawValue: db.lastInsertedRowID)
        if state == .waiting {
            try RowHelpers.event(db, at: now, kind: "trial.enqueued", study: study, trial: id)
        }
        return TrialRef(id: id, study: study, number: number)
    }

    /// Writes a trial's end: its values, its place in the best-trials table, its state and completion time.
    static func writeFinish(_ db: Database, _ ref: TrialRef, state: TrialState, values: [Double]?,
                            directions: [StudyDirection], completedAt: Double) throws {
        var memo = ApplyMemo()
        try writeFinish(db, ref, state: state, values: values, directions: directions, completedAt: completedAt,
                        memo: &memo)
    }

    /// `writeFinish` within a transaction of coordinator changes, reusing what `memo` remembers.
    static func writeFinish(_ db: Database, _ ref: TrialRef, state: TrialState, values: [Double]?,
                            directions: [StudyDirection], completedAt: Double, memo: inout ApplyMemo) throws {
        if state == .complete {
            guard let values, values.count == directions.count else {
                throw StoreError(.invalidValue, "finish trial \(ref.number) of study \(ref.study.rawValue) as "
                    + "COMPLETE: expected \(directions.count) value(s), one per objective, got "
                    + "\(values.map { "\($0.count)" } ?? "none")")
            }
        }
        if let values {
            guard values.count == directions.count else {
                throw StoreError(.invalidValue, "finish trial \(ref.number): expected \(directions.count) value(s), "
                    + "got \(values.count)")
            }
            let insert = try FastWrite(
                db, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)")
            for (objective, value) in values.enumerated() {
                let (stored, type) = StoredDouble.encode(value)
                insert.bind(1, ref.id.rawValue)
                insert.bind(2, objective)
                insert.bind(3, stored)
                insert.bind(4, type)
                try insert.run(db)
            }
            if let direction = directions.first {
                try BestTable.record(db, ref, value: state == .complete ? values.first : nil, direction: direction,
                                     lastValueID: db.lastInsertedRowID, memo: &memo)
            }
        }
        guard memo.finishUpdatesRow(ref.id) else { return }  // inserted final by this transaction
        let update = try FastWrite(db, "UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?")
        update.bind(1, state.rawValue)
        update.bind(2, OptunaDateTime.format(completedAt))
        update.bind(3, ref.id.rawValue)
        try update.run(db)
    }

    static func insertFrozenTrial(_ db: Database, _ trial: FrozenTrial, study: StudyID, directions: [StudyDirection],
                                  now: Double) throws -> TrialRef {
        if let values = trial.values, values.contains(where: \.isNaN) {
            throw StoreError(.invalidValue, "add trial \(trial.number): values must not be NaN")
        }
        let ref = try insertTrial(db, study: study, state: trial.state.isFinished ? .running : trial.state,
                                  startedAt: trial.startedAt, completedAt: nil, now: now)
        for name in trial.params.keys.sorted() {
            guard let value = trial.params[name], let distribution = trial.distributions[name] else {
                throw StoreError(.invalidValue, "add trial \(trial.number): parameter '\(name)' has no distribution")
            }
            try RowHelpers.setParam(db, ref, name: name, value: value, distribution: distribution)
        }
        for step in trial.intermediateValues.keys.sorted() {
            _ = try RowHelpers.report(db, ref.id, step: step, value: trial.intermediateValues[step] ?? .nan)
        }
        for key in trial.userAttributes.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "trial_user_attributes", owner: "trial_id", id: ref.id.rawValue,
                                        key: key, value: trial.userAttributes[key] ?? .null)
        }
        for key in trial.systemAttributes.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "trial_system_attributes", owner: "trial_id", id: ref.id.rawValue,
                                        key: key, value: trial.systemAttributes[key] ?? .null)
        }
        if trial.state.isFinished {
            try writeFinish(db, ref, state: trial.state, values: trial.values, directions: directions,
                            completedAt: trial.completedAt ?? now)
            if trial.completedAt == nil {
                try db.execute(sql: "UPDATE trials SET datetime_complete = NULL WHERE trial_id = ?",
                               arguments: [ref.id.rawValue])
            }
            if trial.state == .fail {
                try RowHelpers.event(db, at: now, kind: "trial.fail", study: study, trial: ref.id)
            }
        }
        return ref
    }
}
