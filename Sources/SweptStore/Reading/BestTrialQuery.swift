import GRDB
import SweptTuning

/// The k best COMPLETE trials of a single-objective study, in Optuna's order: for minimization −inf first, then
/// finite values ascending, then +inf (mirrored for maximization); ties go to the lower trial number.
///
/// Fast path: `swept_best` (see `BestTable`) holds each study's best `BestTable.kept` trials in that order, so
/// best and top-k read k rows. A larger k sorts the study's own values.
enum BestTrialQuery {
    /// Trial ids of the best `limit` trials, best first.
    static func bestTrialIDs(_ db: Database, study: StudyID, direction: StudyDirection,
                             limit: Int) throws -> [TrialID] {
        guard limit > 0 else { return [] }
        if let kept = try BestTable.best(db, study: study, limit: limit) { return kept }
        return try bySorting(db, study: study, direction: direction, limit: limit)
    }

    private struct Candidate {
        let id: Int64
        let key: Double
        let number: Int
    }

    /// The fallback: every COMPLETE value of the study (±inf included, NaN left out), sorted here.
    static func bySorting(_ db: Database, study: StudyID, direction: StudyDirection,
                          limit: Int) throws -> [TrialID] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT v.trial_id, v.value, v.value_type, t.number FROM trials t INDEXED BY ix_trials_study_id
            JOIN trial_values v ON v.trial_id = t.trial_id AND v.objective = 0
            WHERE t.study_id = ? AND t.state = 'COMPLETE'
            """), arguments: [study.rawValue])
        var all: [Candidate] = []
        while let row = try rows.next() {
            let value = StoredDouble.decode(row[1], type: row[2] ?? "FINITE")
            if value.isNaN { continue }
            all.append(Candidate(id: row[0], key: direction == .maximize ? -value : value, number: row[3] ?? 0))
        }
        return all.sorted { a, b in a.key != b.key ? a.key < b.key : a.number < b.number }
            .prefix(limit).map { TrialID(rawValue: $0.id) }
    }
}
