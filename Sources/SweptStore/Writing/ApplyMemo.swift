import GRDB
import SweptTuning

/// What one transaction of coordinator changes has written so far, so that later changes of the same transaction
/// skip the reads and rows that earlier ones made unnecessary:
///
/// - a trial inserted or finished in this transaction is not read back to learn its study, number and state;
/// - a study's directions are read once;
/// - a fresh trial that the same transaction also finishes gets no lease row: the finish would delete it again
///   (its lease is in memory and in the change log; a crash before this transaction commits replays both);
/// - such a trial's row is inserted already in its final state and completion time, and its finish does not
///   update it again (readers see the transaction whole, so they see the same row either way);
/// - the best-trials table's last kept row is read once per study until the table changes, and (when
///   `defersBestWatermark` is set) its watermark is written once, after the transaction's last change.
///
/// Valid for one transaction: reset it whenever the transaction is rolled back.
struct ApplyMemo {
    /// Trials this transaction inserted or finished, with their state now.
    private var trials: [TrialID: (ref: TrialRef, state: TrialState)] = [:]
    /// Directions by study.
    private var directions: [StudyID: [StudyDirection]] = [:]
    /// Where in the transaction each trial is last finished, in which state and when (empty: no lease rows are
    /// skipped and no row is written final).
    private var finishes: [TrialID: (index: Int, state: TrialState, at: Double)] = [:]
    /// Fresh trials whose row was inserted in its final state: their finish leaves the row alone.
    private var insertedFinal: Set<TrialID> = []
    /// Fresh trials whose lease row was not written because a later change of this transaction finishes them.
    private var leaseSkipped: Set<TrialID> = []
    /// Per study, the best-trials table's last kept row as this transaction last read it (`nil` inside: the
    /// table held fewer than `BestTable.kept` rows for the study).
    private var bestLast: [StudyID: BestTable.Position?] = [:]
    /// The position of the change being applied.
    var position = 0
    /// Finishes leave the best-trials watermark alone: the transaction's own last step moves it to the newest value
    /// row (`BestTable.moveWatermarkToNewest`), once instead of once per finish.
    var defersBestWatermark = false

    /// A memo that caches reads only.
    init() {}

    /// A memo for applying `mutations` in order, change `i` at time `time(i)`, which may also skip the lease rows of
    /// trials they start and finish and write those trials' rows final at once.
    init(coalescing mutations: [StoreMutation], time: (Int) -> Double) {
        for (index, mutation) in mutations.enumerated() {
            if case .finishTrial(let trial, let state, _, _, _) = mutation {
                finishes[trial] = (index, state, time(index))
            }
        }
    }

    /// Forgets everything (the transaction was rolled back) and stops skipping lease rows; a deferred watermark
    /// stays deferred (the transaction's last step still writes it).
    mutating func reset() {
        let defers = defersBestWatermark
        self = ApplyMemo()
        defersBestWatermark = defers
    }

    /// The trial's study, number and state: from this transaction's own writes, else read from the store.
    func trial(_ db: Database, _ id: TrialID) throws -> (ref: TrialRef, state: TrialState) {
        if let known = trials[id] { return known }
        return try RowHelpers.trialRow(db, id)
    }

    /// Records that this transaction inserted or finished a trial.
    mutating func wrote(_ ref: TrialRef, state: TrialState) {
        trials[ref.id] = (ref, state)
    }

    /// The study's directions, read at most once per transaction.
    mutating func directions(_ db: Database, _ study: StudyID) throws -> [StudyDirection] {
        if let known = directions[study] { return known }
        let read = try RowHelpers.directions(db, study)
        directions[study] = read
        return read
    }

    /// Whether the lease row of a fresh trial started by the change being applied may be left out (a later change
    /// of the transaction finishes the trial); if so, it is remembered as left out.
    mutating func skipsLease(ofFresh trial: TrialID) -> Bool {
        guard let finish = finishes[trial], finish.index > position else { return false }
        leaseSkipped.insert(trial)
        return true
    }

    /// The state and completion time to insert a fresh trial's row with, when a later change of the transaction
    /// finishes it; it is then remembered as written final.
    mutating func finalRow(ofFresh trial: TrialID) -> (state: TrialState, completedAt: Double)? {
        guard let finish = finishes[trial], finish.index > position else { return nil }
        insertedFinal.insert(trial)
        return (finish.state, finish.at)
    }

    /// Whether the trial's finish must update its row (false when the row was inserted final).
    mutating func finishUpdatesRow(_ trial: TrialID) -> Bool {
        insertedFinal.remove(trial) == nil
    }

    /// A lease row is written for the trial: its finish must delete it again.
    mutating func leaseWritten(_ trial: TrialID) {
        leaseSkipped.remove(trial)
    }

    /// Whether the trial's finish must delete a lease row (false when its row was left out).
    mutating func finishDeletesLease(_ trial: TrialID) -> Bool {
        leaseSkipped.remove(trial) == nil
    }

    /// The study's last kept best-table row: remembered from an earlier read of this transaction, else `read`.
    mutating func bestLast(_ study: StudyID, read: () throws -> BestTable.Position?) rethrows -> BestTable.Position? {
        if let known = bestLast[study] { return known }
        let found = try read()
        bestLast[study] = .some(found)
        return found
    }

    /// The study's best-table rows changed: its last kept row is read again next time.
    mutating func bestTableChanged(_ study: StudyID) {
        bestLast[study] = nil
    }
}
