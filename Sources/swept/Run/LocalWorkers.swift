import Foundation

/// Worker processes of `swept run`: this same executable started as `swept worker`, one per slot, with their
/// logs in files so the progress line stays readable.
final class LocalWorkers {
    private(set) var processes: [Process] = []
    /// Each worker's log file.
    private(set) var logs: [String] = []

    /// Starts `count` workers with `arguments` (the `worker` subcommand's), logging to `directory/worker-N.log`.
    /// - Throws: `CLIFailure` when the executable cannot be started.
    init(count: Int, arguments: (Int) -> [String], directory: String) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for index in 1...count {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["worker"] + arguments(index)
            let log = directory + "/worker-\(index).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: log) else {
                throw CLIFailure.failure("cannot write the worker log \(log)")
            }
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw CLIFailure.failure("cannot start worker \(index) (\(executable.path)): \(error)")
            }
            processes.append(process)
            logs.append(log)
        }
    }

    /// Workers still running.
    var running: Int { processes.filter(\.isRunning).count }

    /// Asks every worker to finish or release its trial (SIGTERM), then kills those still running after `grace`.
    func stop(grace: Double) async {
        for process in processes where process.isRunning { process.terminate() }
        await waitForExit(within: grace)
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await waitForExit(within: 5)
    }

    /// Waits until every worker exited or `seconds` passed.
    func waitForExit(within seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while running > 0, Date() < deadline { try? await Task.sleep(for: .milliseconds(100)) }
    }

    /// Workers that exited with a non-zero status, with the tail of their log.
    func failures() -> [(index: Int, status: Int32, tail: String)] {
        processes.enumerated().compactMap { index, process in
            guard !process.isRunning, process.terminationStatus != 0 else { return nil }
            let text = (try? String(contentsOfFile: logs[index], encoding: .utf8)) ?? ""
            let tail = text.split(separator: "\n").suffix(5).joined(separator: "\n")
            return (index + 1, process.terminationStatus, tail)
        }
    }
}
