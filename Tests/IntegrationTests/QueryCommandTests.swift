import Foundation
import SweptStore
import SweptTuning
import Testing

/// Runs the built `swept` binary's query verbs against a store made here.
@Suite("swept query verbs read a store file")
struct QueryCommandTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `swept` binary next to the test bundle.
    static func binary() throws -> String {
        var directories = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in directories {
            let path = directory.appendingPathComponent("swept").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw CancellationError()
    }

    static func swept(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A store with `fashion` (maximize: 3 complete, 1 pruned, 1 failed, 1 running) and `pareto` (2 objectives).
    static func makeStore() async throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swept-query-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("swept.db").path
        let store = try StudyStore.open(at: path)
        let study = try await store.createStudy(named: "fashion", directions: [.maximize])
        let lr = try Distribution.float(FloatDistribution(low: 1e-4, high: 1e-1, log: true))
        let act = try Distribution.categorical(CategoricalDistribution(choices: ["relu", "tanh"]))
        let results: [(TrialState, Double?, Double, String)] = [
            (.complete, 0.85, 0.01, "relu"), (.complete, 0.91, 0.003, "tanh"), (.pruned, nil, 0.05, "relu"),
            (.fail, nil, 0.09, "tanh"), (.complete, 0.88, 0.001, "relu"), (.running, nil, 0.002, "relu"),
        ]
        for (index, (state, value, rate, activation)) in results.enumerated() {
            let start = 1_790_000_000 + Double(index) * 60
            var trial = FrozenTrial(number: index, state: state)
            trial.params = ["learning_rate": .float(rate), "activation": .string(activation)]
            trial.distributions = ["learning_rate": lr, "activation": act]
            trial.values = value.map { [$0] }
            trial.intermediateValues = [0: 0.5, 1: (value ?? 0.6) - 0.01]
            trial.startedAt = start
            trial.completedAt = state.isFinished ? start + 42 : nil
            if index == 1 { trial.systemAttributes["swept:worker"] = .string("node-7/slot-0") }
            _ = try await store.addTrial(trial, to: study.id)
        }
        let pareto = try await store.createStudy(named: "pareto", directions: [.minimize, .maximize])
        for (index, values) in [[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]].enumerated() {
            var trial = FrozenTrial(number: index, state: .complete)
            trial.values = values
            trial.startedAt = 1_790_000_000
            trial.completedAt = 1_790_000_010
            _ = try await store.addTrial(trial, to: pareto.id)
        }
        try await store.close()
        return path
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func studiesListsEveryStudyAsTableAndJSON() async throws {
        let store = try await Self.makeStore()
        let table = try Self.swept(["studies", "--store", store])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true)
        #expect(lines.contains { $0.hasPrefix("fashion ") && $0.contains("0.91") })
        #expect(!table.stdout.contains("\u{1B}["))

        let run = try Self.swept(["studies", "--store", store, "--json"])
        let studies = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(studies.map { $0["name"] as? String } == ["fashion", "pareto"])
        let counts = try #require(studies[0]["trials"] as? [String: Int])
        #expect(counts == ["total": 6, "complete": 3, "pruned": 1, "fail": 1, "running": 1, "waiting": 0])
        let best = try #require(studies[0]["best"] as? [String: Any])
        #expect(best["number"] as? Int == 1)
        #expect(best["value"] as? Double == 0.91)
    }

    @Test func bestPrintsTrialObjectsWithNumberValueAndParams() async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(["best", "fashion", "--store", store, "--top", "2", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let trials = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(trials.map { $0["number"] as? Int } == [1, 4])
        #expect(trials.map { $0["value"] as? Double } == [0.91, 0.88])
        let params = try #require(trials[0]["params"] as? [String: Any])
        #expect(params["activation"] as? String == "tanh")
        #expect(params["learning_rate"] as? Double == 0.003)

        let text = try Self.swept(["best", "fashion", "--store", store])
        #expect(text.stdout.contains("trial:"))
        #expect(text.stdout.contains("0.91"))
    }

    @Test func bestOfSeveralObjectivesIsTheParetoFrontWithValues() async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(["best", "pareto", "--store", store, "--json"])
        let trials = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(Set(trials.compactMap { $0["number"] as? Int }) == [0, 1])
        #expect(trials.allSatisfy { ($0["values"] as? [Double])?.count == 2 })
    }

    @Test func trialsFilterSortAndLimit() async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(["trials", "fashion", "--store", store, "--state", "complete,pruned",
                                  "--sort", "value", "--limit", "3", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let trials = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(trials.map { $0["number"] as? Int } == [1, 4, 0])
        #expect(trials.map { $0["state"] as? String } == ["COMPLETE", "COMPLETE", "COMPLETE"])

        let table = try Self.swept(["trials", "fashion", "--store", store, "--state", "fail"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains("FAIL"))
        #expect(lines[0].range(of: "STATE")?.lowerBound == lines[0].index(lines[0].startIndex, offsetBy: 3))
    }

    @Test func trialShowHasIntermediateValuesTimingAndWorker() async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(["trial", "show", "fashion", "1", "--store", store, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let trial = try #require(try json(run.stdout) as? [String: Any])
        #expect(trial["study"] as? String == "fashion")
        #expect(trial["duration_seconds"] as? Double == 42)
        #expect(trial["worker"] as? String == "node-7/slot-0")
        #expect(trial["retries"] as? Int == 0)
        let steps = try #require(trial["intermediate_values"] as? [[String: Any]])
        #expect(steps.map { $0["step"] as? Int } == [0, 1])

        let text = try Self.swept(["trial", "show", "fashion", "1", "--store", store])
        #expect(text.stdout.contains("intermediate values"))
        #expect(text.stdout.contains("node-7/slot-0"))
    }

    @Test func statusSummarizesAStudy() async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(["status", "fashion", "--store", store, "--json"])
        let status = try #require(try json(run.stdout) as? [String: Any])
        #expect((status["best"] as? [String: Any])?["number"] as? Int == 1)
        #expect((status["trials"] as? [String: Int])?["running"] == 1)
        let text = try Self.swept(["status", "fashion", "--store", store])
        #expect(text.stdout.contains("6 — 3 complete, 1 pruned, 1 fail, 1 running, 0 waiting"))
    }

    @Test(arguments: [
        (["status", "fashon"], "no study named 'fashon'", "did you mean 'fashion'?"),
        (["trial", "show", "fashion", "99"], "has no trial 99", "6 trials"),
        (["trials", "fashion", "--state", "done"], "unknown state 'done'", "complete, pruned"),
        (["best", "pareto", "--coordinator", "tcp://head:7600"], "--secret-file is required", "cluster secret"),
    ])
    func userErrorsExitOneWithAMessage(arguments: [String], first: String, second: String) async throws {
        let store = try await Self.makeStore()
        let run = try Self.swept(arguments + ["--store", store])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: "))
        #expect(run.stderr.contains(first), "\(run.stderr)")
        #expect(run.stderr.contains(second), "\(run.stderr)")
    }

    @Test func aMissingStoreIsAUserErrorAndABrokenOneAFailure() throws {
        let missing = try Self.swept(["studies", "--store", "/nonexistent/swept.db"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no store at '/nonexistent/swept.db'"))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).db").path
        try Data("this is not sqlite at all, just text that is long enough".utf8).write(to: URL(fileURLWithPath: path))
        let broken = try Self.swept(["studies", "--store", path])
        #expect(broken.status != 0)
        #expect(broken.stderr.hasPrefix("error: "))
    }
}
