#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SweptTuning

/// ANSI colours, used only when standard output is a terminal and `NO_COLOR` is unset.
struct TerminalStyle {
    let enabled: Bool

    /// The style for standard output.
    static var standardOutput: TerminalStyle {
        TerminalStyle(enabled: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func green(_ text: String) -> String { paint(text, "32") }

    /// A trial state in its colour: COMPLETE green, PRUNED yellow, FAIL red, RUNNING cyan, WAITING dim.
    func state(_ state: TrialState) -> String {
        switch state {
        case .complete: return paint(state.rawValue, "32")
        case .pruned: return paint(state.rawValue, "33")
        case .fail: return paint(state.rawValue, "31")
        case .running: return paint(state.rawValue, "36")
        case .waiting: return paint(state.rawValue, "2")
        }
    }
}
