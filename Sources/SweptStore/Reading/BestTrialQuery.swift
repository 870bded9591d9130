import GRDB
import SweptTuning

/// The k best COMPLETE trials of a single-objective study, in Optuna's order: for minimization −inf first, then
/// finite values ascending, then +inf (mirrored for maximization); ties go to the lower trial number.
///
/// Fast path: walk `trial_values` in value order through `swept_ix_trial_values_objective_value` and stop after
/// k matching trials, which touches about k rows when one study dominates the file. When the walk meets too
/// many rows of other studies it falls back to sorting the study's own values.
enum BestTrialQuery {
    /// Rows examined on the fast path before falling back.
    static let scanBudget = 4096

    /// Trial ids of the best `limit` trials, best first.
    static func bestTrialIDs(_ db: Database, study: StudyID, direction: StudyDirection,
                             limit: Int) throws -> [TrialID] {
        guard limit > 0 else { return [] }
        let infinityOrder = direction == .minimize ? ["INF_NEG"] : ["INF_POS"]
        let infinityLast = direction == .minimize ? ["INF_POS"] : ["INF_NEG"]
        var result: [TrialID] = []
        result += try infinite(db, study: study, type: infinityOrder[0], limit: limit)
        if result.count < limit {
            result += try finite(db, study: study, direction: direction, limit: limit - result.count)
        }
        if result.count < limit {
            result += try infinite(db, study: study, type: infinityLast[0], limit: limit - result.count)
        }
        return result
    }

    /// COMPLETE trials whose objective 0 is the infinity `type`, by number.
    private static func infinite(_ db: Database, study: StudyID, type: String, limit: Int) throws -> [TrialID] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT v.trial_id FROM trial_values v INDEXED BY swept_ix_trial_values_objective_value
            CROSS JOIN trials t ON t.trial_id = v.trial_id
            WHERE v.objective = 0 AND v.value IS NULL AND v.value_type = ? AND t.study_id = ? AND t.state = 'COMPLETE'
            ORDER BY t.number LIMIT ?
            """), arguments: [type, study.rawValue, limit]).map(TrialID.init(rawValue:))
    }

    private struct Candidate {
        let id: Int64
        let value: Double
        let number: Int
    }

    private static func finite(_ db: Database, study: StudyID, direction: StudyDirection,
                               limit: Int) throws -> [TrialID] {
        let order = direction == .minimize ? "ASC" : "DESC"
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT v.trial_id, v.value, t.study_id, t.state, t.number
            FROM trial_values v INDEXED BY swept_ix_trial_values_objective_value
            CROSS JOIN trials t ON t.trial_id = v.trial_id
            WHERE v.objective = 0 AND v.value IS NOT NULL
            ORDER BY v.value \(order)
            """))
        var found: [Candidate] = []
        var examined = 0
        while let row = try cursor.next() {
            examined += 1
            let value: Double = row[1]
            // Stop after k matches, but only once the value changes, so that ties are all seen.
            if found.count >= limit, let last = found.last, value != last.value { break }
            if examined > scanBudget, found.count < limit {
                return try finiteBySorting(db, study: study, direction: direction, limit: limit)
            }
            let rowStudy: Int64 = row[2]
            let state: String = row[3]
            guard rowStudy == study.rawValue, state == TrialState.complete.rawValue else { continue }
            found.append(Candidate(id: row[0], value: value, number: row[4] ?? 0))
        }
        return ranked(found, direction: direction, limit: limit)
    }

    /// The fallback: the study's finite values, sorted here.
    private static func finiteBySorting(_ db: Database, study: StudyID, direction: StudyDirection,
                                        limit: Int) throws -> [TrialID] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT v.trial_id, v.value, t.number FROM trials t INDEXED BY swept_ix_trials_study_state_number
            JOIN trial_values v ON v.trial_id = t.trial_id AND v.objective = 0
            WHERE t.study_id = ? AND t.state = 'COMPLETE' AND v.value IS NOT NULL
            """), arguments: [study.rawValue])
        var all: [Candidate] = []
        while let row = try rows.next() { all.append(Candidate(id: row[0], value: row[1], number: row[2] ?? 0)) }
        return ranked(all, direction: direction, limit: limit)
    }

    private static func ranked(_ candidates: [Candidate], direction: StudyDirection, limit: Int) -> [TrialID] {
        candidates.sorted { a, b in
            if a.value != b.value { return direction == .minimize ? a.value < b.value : a.value > b.value }
            return a.number < b.number
        }.prefix(limit).map { TrialID(rawValue: $0.id) }
    }
}
