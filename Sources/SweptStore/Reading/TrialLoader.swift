import GRDB
import SweptTuning

/// Reads trials in bulk — a whole study, or chosen trials — with one pass per table and each distinct
/// distribution JSON parsed once. This is what makes loading a 100,000-trial study take well under a second.
struct TrialLoader {
    /// Which trials to read.
    enum Scope {
        /// Every trial of a study (optionally only some states).
        case study(StudyID, states: Set<TrialState>?)
        /// These trials (any order; the result follows `trials.number` within each study).
        case trials([TrialID])
    }

    private var distributions: [String: Distribution] = [:]

    /// Loads the trials of `scope`, ordered by study then number.
    static func load(_ db: Database, _ scope: Scope) throws -> [StoredTrial] {
        var loader = TrialLoader()
        return try loader.run(db, scope)
    }

    private mutating func run(_ db: Database, _ scope: Scope) throws -> [StoredTrial] {
        let trialFilter: String
        let joinFilter: String
        let arguments: StatementArguments
        switch scope {
        case .study(let study, let states):
            var condition = "t.study_id = ?"
            if let states {
                if states.isEmpty { return [] }
                condition += " AND t.state IN (" + states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
            }
            trialFilter = condition
            joinFilter = condition
            arguments = [study.rawValue]
        case .trials(let ids):
            if ids.isEmpty { return [] }
            let list = Set(ids.map(\.rawValue)).map(String.init).joined(separator: ", ")
            trialFilter = "t.trial_id IN (\(list))"
            joinFilter = trialFilter
            arguments = []
        }

        // Trials.
        var refs: [TrialRef] = []
        var trials: [FrozenTrial] = []
        var index: [Int64: Int] = [:]
        let trialRows = try Row.fetchCursor(db, sql: """
            SELECT t.trial_id, t.study_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t
            WHERE \(trialFilter) ORDER BY t.study_id, t.number
            """, arguments: arguments)
        while let row = try trialRows.next() {
            let id: Int64 = row[0]
            let stateName: String = row[3]
            guard let state = TrialState(rawValue: stateName) else {
                throw StoreError(.invalidValue, "trials.state of trial id \(id) is '\(stateName)'; expected one of "
                    + TrialState.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let start: String? = row[4]
            let end: String? = row[5]
            let number: Int = row[2] ?? trials.count
            index[id] = trials.count
            refs.append(TrialRef(id: TrialID(rawValue: id), study: StudyID(rawValue: row[1]), number: number))
            trials.append(FrozenTrial(number: number, state: state, startedAt: start.flatMap(OptunaDateTime.parse),
                                      completedAt: end.flatMap(OptunaDateTime.parse)))
        }
        if trials.isEmpty { return [] }

        // Parameters, in internal representation, turned external through their distribution.
        let params = try Row.fetchCursor(db, sql: """
            SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trials t
            JOIN trial_params p ON p.trial_id = t.trial_id WHERE \(joinFilter)
            """, arguments: arguments)
        while let row = try params.next() {
            let id: Int64 = row[0]
            guard let i = index[id] else { continue }
            let name: String = row[1] ?? ""
            let internalValue: Double = row[2] ?? .nan
            let json: String = row[3] ?? ""
            let distribution = try distribution(json, trial: trials[i].number, name: name)
            trials[i].distributions[name] = distribution
            trials[i].params[name] = distribution.toExternal(internalValue)
        }

        // Objective values.
        let values = try Row.fetchCursor(db, sql: """
            SELECT v.trial_id, v.objective, v.value, v.value_type FROM trials t
            JOIN trial_values v ON v.trial_id = t.trial_id WHERE \(joinFilter) ORDER BY v.trial_id, v.objective
            """, arguments: arguments)
        while let row = try values.next() {
            let id: Int64 = row[0]
            guard let i = index[id] else { continue }
            let objective: Int = row[1]
            let value = StoredDouble.decode(row[2], type: row[3] ?? "FINITE")
            var list = trials[i].values ?? []
            while list.count <= objective { list.append(.nan) }
            list[objective] = value
            trials[i].values = list
        }

        // Intermediate values.
        let steps = try Row.fetchCursor(db, sql: """
            SELECT iv.trial_id, iv.step, iv.intermediate_value, iv.intermediate_value_type FROM trials t
            JOIN trial_intermediate_values iv ON iv.trial_id = t.trial_id WHERE \(joinFilter)
            """, arguments: arguments)
        while let row = try steps.next() {
            let id: Int64 = row[0]
            guard let i = index[id] else { continue }
            let step: Int = row[1]
            trials[i].intermediateValues[step] = StoredDouble.decode(row[2], type: row[3] ?? "FINITE")
        }

        // Attributes.
        for (table, isUser) in [("trial_user_attributes", true), ("trial_system_attributes", false)] {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.trial_id, a."key", a.value_json FROM trials t JOIN \(table) a ON a.trial_id = t.trial_id
                WHERE \(joinFilter)
                """, arguments: arguments)
            while let row = try rows.next() {
                let id: Int64 = row[0]
                guard let i = index[id] else { continue }
                let key: String = row[1] ?? ""
                let value = try AttributeJSON.decode(row[2] ?? "null",
                                                     context: "\(table) '\(key)' of trial \(trials[i].number)")
                if isUser { trials[i].userAttributes[key] = value } else { trials[i].systemAttributes[key] = value }
            }
        }
        return zip(refs, trials).map { StoredTrial(ref: $0, trial: $1) }
    }

    private mutating func distribution(_ json: String, trial: Int, name: String) throws -> Distribution {
        if let known = distributions[json] { return known }
        let parsed = try DistributionJSON.decode(json, context: "distribution_json of parameter '\(name)' of trial \(trial)")
        distributions[json] = parsed
        return parsed
    }
}
