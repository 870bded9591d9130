import Foundation
import SweptConfig
import SweptTuning

/// Runs an external program (any language) for each trial.
///
/// The program gets the trial's parameters as a JSON object on stdin and as `SWEPT_PARAM_<NAME>` variables
/// (plus `SWEPT_STUDY`, `SWEPT_TRIAL_NUMBER`, `SWEPT_PARAMS`, `SWEPT_METRICS`, `SWEPT_RESULT_FILE`), prints
/// `swept: step=<k> <metric>=<v>` lines for intermediate values and ends with `swept: final <metric>=<v>` or a
/// result file (see `CommandOutputLine` and docs/configs.md). A prune or stop is answered with SIGTERM to the
/// program's process group, then SIGKILL after the grace period. A missing program, a non-zero exit (the stderr
/// tail is recorded), a timeout or an unreadable `swept:` line end the trial as FAIL with the reason.
public struct CommandObjective: Objective {
    /// The command's settings.
    public var config: CommandConfig
    /// The study's metrics, in direction order (`swept:` lines name them).
    public var metrics: [String]

    /// How much of stderr a failure reason keeps.
    static let stderrTailBytes = 1500

    /// Creates the objective.
    public init(config: CommandConfig, metrics: [String]) {
        self.config = config
        self.metrics = metrics
    }

    private enum Event: Sendable {
        case line(String)
        case stdoutClosed
        case stderrClosed
        case exited(ChildProcess.Termination)
        case timedOut
    }

    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    public func run(_ context: ObjectiveContext, reporter: any TrialReporter) async throws -> ObjectiveOutcome {
        _ = Self.ignoreBrokenPipes
        let environment = ProcessInfo.processInfo.environment
        guard let program = config.argv.first, !program.isEmpty else {
            return .failed(reason: "no command to run: objective.run is empty")
        }
        if let directory = config.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { return .failed(reason: "working directory '\(directory)' does not exist") }
        }
        guard let executable = ChildProcess.resolve(
            program, path: config.environment["PATH"] ?? environment["PATH"], directory: config.workingDirectory
        ) else {
            return .failed(reason: "command not found: '\(program)' is not an executable file"
                + (program.contains("/") ? "" : " on PATH"))
        }
        let resultFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("swept-result-\(getpid())-\(context.trialNumber)-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: resultFile) }

        let child: ChildProcess
        do {
            child = try ChildProcess(
                executable: executable, arguments: config.argv, environment: childEnvironment(context, resultFile),
                workingDirectory: config.workingDirectory
            )
        } catch {
            return .failed(reason: "\(error)")
        }
        let stderrTail = OutputTail(limit: Self.stderrTailBytes)
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let splitter = LineSplitter()
        DescriptorReader.start(child.stdoutFD, chunk: { chunk in
            for line in splitter.lines(in: chunk) { continuation.yield(.line(line)) }
        }, done: {
            if let last = splitter.flush() { continuation.yield(.line(last)) }
            continuation.yield(.stdoutClosed)
        })
        DescriptorReader.start(child.stderrFD, chunk: { stderrTail.append($0) }, done: {
            continuation.yield(.stderrClosed)
        })
        let input = Array(TrialParameterEncoding.json(context.params).utf8) + [UInt8(ascii: "\n")]
        Thread.detachNewThread { child.feedStdin(input) }
        Thread.detachNewThread {
            continuation.yield(.exited(child.waitForExit()))
        }
        let timer = config.timeout.map { timeout in
            Task {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                continuation.yield(.timedOut)
            }
        }
        defer { timer?.cancel() }

        var run = RunState()
        let grace = config.grace
        func terminate(_ outcome: ObjectiveOutcome) {
            guard run.outcome == nil else { return }
            run.outcome = outcome
            child.signalGroup(SIGTERM)
            Task {
                try? await Task.sleep(nanoseconds: UInt64(grace * 1e9))
                child.signalGroup(SIGKILL)
            }
        }

        do {
            try await withTaskCancellationHandler {
                for await event in events {
                    switch event {
                    case .line(let line):
                        guard run.outcome == nil else { continue }
                        run.lineNumber += 1
                        if let stop = try await handle(line, number: run.lineNumber, reporter: reporter, run: &run) {
                            terminate(stop)
                        }
                    case .timedOut:
                        let limit = DurationText.format(config.timeout ?? 0)
                        terminate(.failed(reason: "timed out after \(limit) (terminated)" + tail(stderrTail)))
                    case .stdoutClosed:
                        run.stdoutClosed = true
                    case .stderrClosed:
                        run.stderrClosed = true
                    case .exited(let termination):
                        run.termination = termination
                        // Lines printed just before exit are still in the pipes: drain them (the stderr tail goes
                        // into the failure reason) unless a grandchild keeps them open; then give up after a moment.
                        let late = Task {
                            try await Task.sleep(nanoseconds: 500_000_000)
                            continuation.finish()
                        }
                        if run.stdoutClosed, run.stderrClosed { late.cancel() }
                        run.drainTimer = late
                    }
                    if run.termination != nil, run.stdoutClosed, run.stderrClosed { break }
                }
            } onCancel: {
                child.signalGroup(SIGTERM)
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(grace * 1e9))
                    child.signalGroup(SIGKILL)
                }
            }
        } catch {
            // The reporter failed (e.g. the coordinator is unreachable): the trial is abandoned, so is the process.
            run.drainTimer?.cancel()
            child.signalGroup(SIGKILL)
            throw error
        }
        run.drainTimer?.cancel()
        child.killLeftovers()
        if let outcome = run.outcome { return outcome }
        if Task.isCancelled { return .stopped }
        return finish(run, resultFile: resultFile, stderrTail: stderrTail)
    }

    private struct RunState {
        var outcome: ObjectiveOutcome?
        var finalValues: [String: Double]?
        var termination: ChildProcess.Termination?
        var stdoutClosed = false
        var stderrClosed = false
        var lineNumber = 0
        var drainTimer: Task<Void, any Error>?
    }

    /// Handles one stdout line; returns the outcome that ends the run early (prune, stop, garbage).
    private func handle(
        _ line: String, number: Int, reporter: any TrialReporter, run: inout RunState
    ) async throws -> ObjectiveOutcome? {
        guard let parsed = CommandOutputLine.parse(line) else { return nil }
        let expected = "expected 'swept: step=<int> \(metrics[0])=<number>' or 'swept: final "
            + metrics.map { "\($0)=<number>" }.joined(separator: " ") + "'"
        switch parsed {
        case .failure(let error):
            return .failed(
                reason: "unreadable output line \(number) '\(line.prefix(200))': \(error.message); \(expected)")
        case .success(.final(let values)):
            run.finalValues = values
            return nil
        case .success(.step(let step, let values)):
            guard metrics.count == 1 else { return nil }
            guard let value = values[metrics[0]] else {
                return .failed(
                    reason: "output line \(number) '\(line.prefix(200))' has no '\(metrics[0])='; \(expected)")
            }
            switch try await reporter.report(step: step, value: value) {
            case .proceed: return nil
            case .prune: return .pruned
            case .stop: return .stopped
            }
        }
    }

    /// The outcome of a program that ended on its own.
    private func finish(_ run: RunState, resultFile: String, stderrTail: OutputTail) -> ObjectiveOutcome {
        switch run.termination {
        case .exited(0)?:
            break
        case .exited(let status)?:
            return .failed(reason: "command exited with status \(status)" + tail(stderrTail))
        case .signaled(let signal)?:
            return .failed(reason: "command was killed by signal \(signal)" + tail(stderrTail))
        case nil:
            return .failed(reason: "command did not report how it ended" + tail(stderrTail))
        }
        var values = run.finalValues
        if let text = try? String(contentsOfFile: resultFile, encoding: .utf8),
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            switch ResultFile.values(text, metrics: metrics) {
            case .success(let parsed): values = parsed
            case .failure(let error): return .failed(reason: "result file: \(error.message)")
            }
        }
        guard let values else {
            return .failed(reason: "command exited 0 without a final value; print 'swept: final "
                + metrics.map { "\($0)=<number>" }.joined(separator: " ")
                + "' or write the value to $SWEPT_RESULT_FILE" + tail(stderrTail))
        }
        var ordered: [Double] = []
        for metric in metrics {
            guard let value = values[metric] else {
                let given = values.keys.sorted().joined(separator: ", ")
                return .failed(reason: "final values lack '\(metric)' (got: \(given.isEmpty ? "none" : given))")
            }
            guard value.isFinite else { return .failed(reason: "final value of '\(metric)' is \(value)") }
            ordered.append(value)
        }
        return .complete(ordered)
    }

    private func tail(_ output: OutputTail) -> String {
        let text = output.text
        return text.isEmpty ? "" : "; stderr tail: \(text)"
    }

    private func childEnvironment(_ context: ObjectiveContext, _ resultFile: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWEPT_PARAM_") }
        let threads = "\(max(context.blasThreads, 1))"
        for key in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { environment[key] = threads }
        environment["PYTHONUNBUFFERED"] = "1"
        environment.merge(config.environment) { _, configured in configured }
        for (name, value) in context.params {
            environment[TrialParameterEncoding.environmentName(name)] = TrialParameterEncoding.environmentValue(value)
        }
        environment["SWEPT_STUDY"] = context.studyName
        environment["SWEPT_TRIAL_NUMBER"] = "\(context.trialNumber)"
        environment["SWEPT_PARAMS"] = TrialParameterEncoding.json(context.params)
        environment["SWEPT_METRICS"] = metrics.joined(separator: ",")
        environment["SWEPT_RESULT_FILE"] = resultFile
        return environment
    }
}

/// Reads `$SWEPT_RESULT_FILE`: a bare number (single metric) or a JSON object of metric values.
enum ResultFile {
    struct ReadError: Error {
        let message: String
    }

    static func values(_ text: String, metrics: [String]) -> Result<[String: Double], ReadError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let number = Double(trimmed) {
            guard metrics.count == 1 else {
                return .failure(ReadError(message: "a bare number fits one metric; expected a JSON object with "
                    + metrics.joined(separator: ", ")))
            }
            return .success([metrics[0]: number])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
            return .failure(ReadError(message: "expected a number or a JSON object such as {\"\(metrics[0])\": 0.5}, "
                + "got '\(trimmed.prefix(100))'"))
        }
        var values: [String: Double] = [:]
        for (key, value) in object {
            if let number = value as? NSNumber, !(value is Bool) { values[key] = number.doubleValue }
        }
        return .success(values)
    }
}
