import Foundation
import SweptStore
import SweptTuning
import Testing

/// `swept run`: the coordinator in-process, local worker processes, the best trial at the end.
@Suite("swept run")
struct RunCommandTests {
    static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "swept-run-it-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func trials(_ store: String, _ study: String) throws -> [FrozenTrial] {
        let reader = try StudyStore.open(at: store, options: .reader)
        guard let record = try reader.study(named: study) else { return [] }
        return try reader.trials(in: record.id).map(\.trial)
    }

    @Test func aStudyRunsToItsBudgetAndPrintsTheBestTrial() throws {
        let directory = try Self.scratch()
        let store = directory + "/b.db"
        let config = ConfigCommandTests.examples.appendingPathComponent("branin-random.yaml").path
        let run = try QueryCommandTests.swept(["run", config, "--workers", "2", "--store", store])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("[100/100] complete 100"), "\(run.stdout)")
        #expect(run.stdout.contains("best trial:"))
        #expect(run.stdout.contains("store: \(store)"))
        let trials = try Self.trials(store, "branin-random")
        #expect(trials.count == 100)
        #expect(trials.allSatisfy { $0.state == .complete })
        #expect(Set(trials.map(\.number)) == Set(0..<100))
        // The value printed as best is the store's best.
        let best = try #require(trials.min { ($0.value ?? .infinity) < ($1.value ?? .infinity) })
        #expect(run.stdout.contains("trial:    \(best.number)"), "\(run.stdout)")

        let again = try QueryCommandTests.swept(["run", config, "--workers", "1", "--store", store])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already has a study named 'branin-random'"), "\(again.stderr)")
        #expect(again.stderr.contains("--resume"))
        let resumed = try QueryCommandTests.swept(["run", config, "--workers", "1", "--store", store, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.trials(store, "branin-random").count == 100)
    }

    @Test func conditionalParametersExistOnlyWhenTheirParentSwitchesThemOn() throws {
        let directory = try Self.scratch()
        let config = directory + "/cond.yaml"
        try """
            name: cond
            direction: minimize
            sampler: {type: tpe, seed: 4, n_startup_trials: 5}
            pruner: {type: none}
            budget: {trials: 24}
            objective: {type: function, name: styblinski-tang, steps: 2}
            space:
              mode: {categorical: [narrow, wide]}
              x1: {float: [-5, 5]}
              x2: {float: [-5, 5]}
              x3: {float: [-5, 5], when: {mode: wide}}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["run", config, "--workers", "2", "--store", directory + "/c.db"])
        #expect(run.status == 0, "\(run.stderr)")
        let trials = try Self.trials(directory + "/c.db", "cond")
        #expect(trials.count == 24)
        #expect(trials.allSatisfy { $0.state == .complete })
        for trial in trials {
            #expect((trial.params["x3"] != nil) == (trial.params["mode"] == .string("wide")), "\(trial.params)")
        }
        #expect(Set(trials.compactMap { $0.params["mode"] }).count == 2)
    }

    @Test func aStudyWhoseTrialsAllFailExitsTwoWithTheReason() throws {
        let directory = try Self.scratch()
        let config = directory + "/misfit.yaml"
        try """
            name: misfit
            direction: minimize
            budget: {trials: 4}
            objective: {type: function, name: hartmann6}
            space:
              x1: {float: [0, 1]}
              x2: {float: [0, 1]}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["run", config, "--workers", "1", "--store", directory + "/m.db"])
        #expect(run.status == 2, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("needs 6 numeric parameters, got 2"), "\(run.stdout)")
        #expect(try Self.trials(directory + "/m.db", "misfit").allSatisfy { $0.state == .fail })
    }

    @Test func aDatasetThatIsNotHereIsAnErrorBeforeAnythingStarts() throws {
        let directory = try Self.scratch()
        let config = directory + "/nodata.yaml"
        let flagship = try String(
            contentsOf: ConfigCommandTests.examples.appendingPathComponent("fashion-mlp-tpe.yaml"), encoding: .utf8)
        try flagship.replacingOccurrences(of: "idx:/usr/share/datasets/fashion-mnist", with: "idx:\(directory)/none")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["run", config, "--store", directory + "/n.db"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("data.source: directory '\(directory)/none' does not exist"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/n.db"))
    }

    /// Process ids whose command line contains `text`.
    static func processes(containing text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? pid : nil
        }
    }

    @Test func killingTheRunProcessTakesItsWorkersWithIt() async throws {
        let directory = try Self.scratch()
        let name = "orphans-\(UInt32.random(in: 0...UInt32.max))"
        let config = directory + "/slow.yaml"
        try """
            name: \(name)
            direction: minimize
            budget: {trials: 1000}
            objective: {type: function, name: branin, steps: 50, step_sleep: 100ms}
            space:
              x1: {float: [-5, 10]}
              x2: {float: [0, 15]}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try ChildProcess("run", arguments: ["run", config, "--workers", "2", "--store", directory + "/o.db"],
                                   directory: directory)
        #expect(await eventually(timeout: 30) { Self.processes(containing: "--study \(name)").count == 2 })
        run.kill9()
        #expect(await eventually(timeout: 10) { Self.processes(containing: "--study \(name)").isEmpty },
                "workers outlived their swept run process")
    }

    @Test func aBrokenConfigExitsOneBeforeAnythingStarts() throws {
        let directory = try Self.scratch()
        let config = directory + "/bad.yaml"
        try "name: bad\ndirection: minimize\nobjective: {type: function, name: nope}\nspace:\n  x: {float: [0, 1]}\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["run", config, "--store", directory + "/bad.db"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.yaml:3"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/bad.db"))
    }
}

/// `swept launch`, `swept enqueue` and `swept stop` against a coordinator process.
@Suite("swept launch, enqueue and stop")
struct RemoteCommandTests {
    @Test func launchEnqueueAndStopAStudy() async throws {
        let cluster = try ScratchCluster("remote")
        defer { Task { await cluster.stop() } }
        try await cluster.startCoordinator()
        let config = cluster.directory + "/slow.yaml"
        try """
            name: slow
            direction: minimize
            sampler: {type: random, seed: 2}
            budget: {trials: 1000}
            objective: {type: function, name: branin, steps: 20, step_sleep: 50ms}
            space:
              x1: {float: [-5, 10]}
              x2: {float: [0, 15]}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let remote = ["--coordinator", cluster.url, "--secret-file", cluster.secretPath]
        let launched = try QueryCommandTests.swept(["launch", config] + remote)
        #expect(launched.status == 0, "\(launched.stderr)")
        #expect(launched.stdout.contains("study slow (id"))
        #expect(launched.stdout.contains("created"))

        let twice = try QueryCommandTests.swept(["launch", config] + remote)
        #expect(twice.status == 1, "\(twice.stdout)")

        let queued = try QueryCommandTests.swept(["enqueue", "slow", "--param", "x1=3.14", "--param", "x2=2.275"]
            + remote)
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("queued in slow"))
        let misfit = try QueryCommandTests.swept(["enqueue", "slow", "--param", "x1=99"] + remote)
        #expect(misfit.status == 1)
        #expect(misfit.stderr.contains("x1"), "\(misfit.stderr)")

        let worker = try cluster.startWorker("w1")
        #expect(await eventually(timeout: 30) {
            try cluster.trials("slow").contains { $0.trial.params["x1"] == .float(3.14) && $0.trial.state == .complete }
        })
        let stopped = try QueryCommandTests.swept(["stop", "slow"] + remote)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(await eventually(timeout: 30) { try cluster.trials("slow").allSatisfy { $0.trial.state != .running } })
        try await Task.sleep(for: .milliseconds(400))  // the store file trails acknowledgements by ~100 ms
        let count = try cluster.trials("slow").count
        try await Task.sleep(for: .milliseconds(500))
        #expect(try cluster.trials("slow").count == count, "no trial starts after stop")
        #expect(count < 1000)

        // The query verbs answer from the coordinator as they do from the store file.
        for verb in [["studies"], ["status", "slow"], ["trials", "slow", "--limit", "100000"], ["best", "slow", "--top", "3"]] {
            let fromStore = try QueryCommandTests.swept(verb + ["--store", cluster.storePath, "--json"])
            let fromCoordinator = try QueryCommandTests.swept(verb + remote + ["--json"])
            #expect(fromStore.status == 0, "\(fromStore.stderr)")
            #expect(fromCoordinator.status == 0, "\(verb): \(fromCoordinator.stderr)")
            let storeJSON = try JSONSerialization.jsonObject(with: Data(fromStore.stdout.utf8))
            let coordinatorJSON = try JSONSerialization.jsonObject(with: Data(fromCoordinator.stdout.utf8))
            if verb[0] == "trials" || verb[0] == "best" {
                let a = try #require(storeJSON as? [[String: Any]]), b = try #require(coordinatorJSON as? [[String: Any]])
                #expect(a.count == b.count, "\(verb)")
                #expect(a.map { $0["number"] as? Int } == b.map { $0["number"] as? Int }, "\(verb)")
                #expect(a.map { $0["state"] as? String } == b.map { $0["state"] as? String }, "\(verb)")
                #expect(a.map { $0["value"] as? Double } == b.map { $0["value"] as? Double }, "\(verb)")
            }
        }
        let shown = try QueryCommandTests.swept(["trial", "show", "slow", "0", "--json"] + remote)
        #expect(shown.status == 0, "\(shown.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let steps = try #require(object["intermediate_values"] as? [[String: Any]])
        #expect(steps.count == ((object["last_step"] as? Int) ?? -1) + 1, "\(shown.stdout)")
        #expect(object["worker"] as? String == "w1")
        let missing = try QueryCommandTests.swept(["best", "nope"] + remote)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no study named 'nope'"), "\(missing.stderr)")
        worker.terminate()
        _ = await worker.wait(timeout: 20)

        let stranger = cluster.directory + "/other.secret"
        try "some-other-secret-0123456789abcdef\n".write(toFile: stranger, atomically: true, encoding: .utf8)
        let refused = try QueryCommandTests.swept(["stop", "slow", "--coordinator", cluster.url, "--secret-file",
                                                   stranger, "--timeout", "2"])
        #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
    }
}
