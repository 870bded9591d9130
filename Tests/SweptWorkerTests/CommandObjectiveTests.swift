import Foundation
import SweptConfig
import SweptTuning
import SweptWorker
import Testing

/// Whether `python3` is on PATH (the Python script tests need it; the shell ones do not).
let pythonAvailable = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin:/bin"].split(separator: ":")
    .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }

@Suite("External command objectives run real processes")
struct CommandObjectiveTests {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }

    /// Writes `body` as an executable script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try writeScript(body, to: path)
        return path
    }

    func objective(_ argv: [String], metrics: [String] = ["value"], timeout: Double? = nil,
                   grace: Double = 5) -> CommandObjective {
        var config = CommandConfig(argv: argv)
        config.timeout = timeout
        config.grace = grace
        config.workingDirectory = directory.path
        return CommandObjective(config: config, metrics: metrics)
    }

    func context(_ params: [String: ParamValue] = ["x": 1.5, "opt": "adam", "layers": 2]) -> ObjectiveContext {
        ObjectiveContext(studyName: "s", trialNumber: 7, params: params)
    }

    @Test func stepsAreReportedAndTheFinalLineIsTheValue() async throws {
        let path = try script("steps.sh", """
            #!/bin/sh
            echo "starting"
            echo "swept: step=0 value=3.5"
            echo "swept: step=1 value=2.25 lr=0.1"
            echo "a log line that is not for swept"
            echo "swept: final value=1.125"
            """)
        let reporter = RecordingReporter()
        let outcome = try await objective([path]).run(context(), reporter: reporter)
        #expect(outcome == .complete([1.125]))
        #expect(reporter.steps == [0, 1])
        #expect(reporter.reports.map(\.value) == [3.5, 2.25])
    }

    @Test func parametersArriveAsJSONOnStdinAndAsEnvironmentInShell() async throws {
        let path = try script("params.sh", """
            #!/bin/sh
            read -r line
            [ "$line" = '{"layers": 2, "opt": "adam", "x": 1.5}' ] || { echo "stdin: $line" >&2; exit 9; }
            [ "$SWEPT_PARAM_X" = 1.5 ] && [ "$SWEPT_PARAM_OPT" = adam ] && [ "$SWEPT_PARAM_LAYERS" = 2 ] || exit 8
            [ "$SWEPT_TRIAL_NUMBER" = 7 ] && [ "$SWEPT_STUDY" = s ] && [ "$SWEPT_METRICS" = value ] || exit 7
            echo "swept: final value=3"
            """)
        let outcome = try await objective([path]).run(context(), reporter: RecordingReporter())
        #expect(outcome == .complete([3.0]))
    }

    @Test(.enabled(if: pythonAvailable, "python3 is not on PATH"))
    func parametersArriveAsJSONOnStdinAndAsEnvironment() async throws {
        let path = try script("params.py", """
            #!/usr/bin/env python3
            import json, os, sys
            params = json.load(sys.stdin)
            assert params == {"x": 1.5, "opt": "adam", "layers": 2}, params
            assert os.environ["SWEPT_PARAM_X"] == "1.5"
            assert os.environ["SWEPT_PARAM_OPT"] == "adam"
            assert os.environ["SWEPT_PARAM_LAYERS"] == "2"
            assert os.environ["SWEPT_TRIAL_NUMBER"] == "7"
            assert json.loads(os.environ["SWEPT_PARAMS"]) == params
            print("swept: final value=%s" % (params["x"] * params["layers"]))
            """)
        let outcome = try await objective([path]).run(context(), reporter: RecordingReporter())
        #expect(outcome == .complete([3.0]))
    }

    @Test func pruneSendsSIGTERMAndStopsAtOnce() async throws {
        let marker = directory.appendingPathComponent("terminated").path
        let path = try script("long.sh", """
            #!/bin/sh
            trap 'echo term > \(marker); exit 143' TERM
            i=0
            while [ $i -lt 100 ]; do
              echo "swept: step=$i value=$i"
              i=$((i+1))
              sleep 0.05
            done
            echo "swept: final value=0"
            """)
        let reporter = RecordingReporter { step in step == 2 ? .prune : .proceed }
        let start = Date()
        let outcome = try await objective([path]).run(context(), reporter: reporter)
        #expect(outcome == .pruned)
        #expect(reporter.steps == [0, 1, 2])
        #expect(Date().timeIntervalSince(start) < 4)
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func aProgramIgnoringSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let path = try script("stubborn.sh", """
            #!/bin/sh
            trap '' TERM
            echo "swept: step=0 value=1"
            while true; do sleep 0.05; done
            """)
        let reporter = RecordingReporter { _ in .stop }
        let start = Date()
        let outcome = try await objective([path], grace: 0.3).run(context(), reporter: reporter)
        #expect(outcome == .stopped)
        #expect(Date().timeIntervalSince(start) < 6)
    }

    @Test func nonZeroExitFailsWithTheStderrTail() async throws {
        let path = try script("crash.sh", """
            #!/bin/sh
            echo "swept: step=0 value=1"
            echo "Traceback: something broke in layer 3" >&2
            exit 3
            """)
        let outcome = try await objective([path]).run(context(), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("exited with status 3"))
        #expect(reason.contains("something broke in layer 3"))
    }

    @Test(arguments: [
        ("swept: step=two value=1", "step must be an integer >= 0, got 'two'"),
        ("swept: step=1 value=abc", "value must be a number, got 'abc'"),
        ("swept: hello", "'hello' is not key=value"),
        ("swept: step=1 loss=0.5", "has no 'value='"),
    ])
    func garbageOutputFailsWithTheLine(line: String, fragment: String) async throws {
        let path = try script("garbage.sh", "#!/bin/sh\necho '\(line)'\nsleep 5\necho 'swept: final value=1'\n")
        let start = Date()
        let outcome = try await objective([path], grace: 0.5).run(context(), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains(fragment), "reason: \(reason)")
        #expect(reason.contains("expected 'swept: step=<int> value=<number>'"))
        #expect(Date().timeIntervalSince(start) < 4)
    }

    @Test func missingCommandFailsClearly() async throws {
        let outcome = try await objective(["definitely-not-a-command-\(UUID().uuidString.prefix(6))"])
            .run(context(), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("command not found"))
        #expect(reason.contains("on PATH"))
    }

    @Test func anEmptyCommandFails() async throws {
        let outcome = try await CommandObjective(config: CommandConfig(argv: []), metrics: ["value"])
            .run(context(), reporter: RecordingReporter())
        #expect(outcome == .failed(reason: "no command to run: objective.run is empty"))
    }

    @Test func aHangingCommandTimesOut() async throws {
        let path = try script("hang.sh", "#!/bin/sh\nsleep 30\n")
        let start = Date()
        let outcome = try await objective([path], timeout: 0.5, grace: 0.5)
            .run(context(), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("timed out after 500ms"))
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func theResultFileGivesTheFinalValue() async throws {
        let path = try script("file.sh", """
            #!/bin/sh
            echo '{"value": 0.75, "other": 3}' > "$SWEPT_RESULT_FILE"
            """)
        let outcome = try await objective([path]).run(context(), reporter: RecordingReporter())
        #expect(outcome == .complete([0.75]))
    }

    @Test func exitingWithoutAFinalValueFails() async throws {
        let path = try script("silent.sh", "#!/bin/sh\necho 'swept: step=0 value=1'\n")
        let outcome = try await objective([path]).run(context(), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("without a final value"))
    }

    @Test func severalMetricsComeBackInDirectionOrder() async throws {
        let path = try script("multi.sh", "#!/bin/sh\necho 'swept: final speed=12 loss=0.5'\n")
        let outcome = try await objective([path], metrics: ["loss", "speed"])
            .run(context(), reporter: RecordingReporter())
        #expect(outcome == .complete([0.5, 12]))
    }

    @Test func theShellFormFromAConfigRuns() async throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: sh
            direction: minimize
            objective: {type: command, run: 'echo "swept: final value=$SWEPT_PARAM_X"'}
            space: {x: {float: [0, 2]}}
            """)
        guard case .command(let command) = config.objective else {
            Issue.record("expected a command")
            return
        }
        let outcome = try await CommandObjective(config: command, metrics: config.metrics)
            .run(context(["x": 1.25]), reporter: RecordingReporter())
        #expect(outcome == .complete([1.25]))
    }
}

/// A reporter whose coordinator is gone: every report throws.
struct UnreachableReporter: TrialReporter {
    struct Unreachable: Error {}
    func report(step: Int, value: Double) async throws -> ReportDecision { throw Unreachable() }
}

@Suite("External commands when reporting fails")
struct CommandReporterFailureTests {
    @Test func aFailingReporterKillsTheProcessAndRethrows() async throws {
        let directory = try makeTemporaryDirectory()
        let pidFile = directory.appendingPathComponent("pid").path
        let path = directory.appendingPathComponent("loop.sh").path
        try writeScript(
            "#!/bin/sh\necho $$ > \(pidFile)\necho 'swept: step=0 value=1'\nwhile true; do sleep 0.1; done\n",
            to: path)
        var config = CommandConfig(argv: [path])
        config.workingDirectory = directory.path
        await #expect(throws: UnreachableReporter.Unreachable.self) {
            _ = try await CommandObjective(config: config, metrics: ["value"])
                .run(ObjectiveContext(studyName: "s", trialNumber: 0, params: [:]), reporter: UnreachableReporter())
        }
        let text = try String(contentsOfFile: pidFile, encoding: .utf8)
        let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<50 where alive {
            // Killed and reaped by the objective's waiter thread: the pid no longer exists.
            alive = kill(pid, 0) == 0
            if alive { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        #expect(!alive)
    }
}
