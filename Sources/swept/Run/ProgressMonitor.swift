import Foundation
import SweptConfig
import SweptWire

/// Shows a study's progress: on a terminal one live line redrawn in place; otherwise a plain log line whenever a
/// trial finishes (and at least once a minute), so logs of unattended runs stay readable.
final class ProgressMonitor {
    private let study: StudyConfig
    private let started = Date()
    private let live: Bool
    private let style: TerminalStyle
    private var lastFinished = -1
    private var lastPrinted = Date.distantPast
    private var drawn = false

    init(study: StudyConfig) {
        self.study = study
        live = isatty(STDOUT_FILENO) == 1
        style = .standardOutput
    }

    /// Shows `summary`.
    func show(_ summary: StudySummary) {
        let line = ProgressLine(
            summary: summary, elapsed: Date().timeIntervalSince(started), budgetTrials: study.budget.trials,
            budgetSeconds: study.budget.timeout)
        if live {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line.rendered(style: style)).utf8))
            drawn = true
            return
        }
        guard line.finished != lastFinished || Date().timeIntervalSince(lastPrinted) >= 60 else { return }
        lastFinished = line.finished
        lastPrinted = Date()
        emit(TimeText.short(Date().timeIntervalSince1970) + " " + line.rendered(style: style))
    }

    /// Ends the live line so that later output starts on a fresh line.
    func finish() {
        if drawn { FileHandle.standardOutput.write(Data("\n".utf8)) }
        drawn = false
    }
}
