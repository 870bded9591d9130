import Foundation
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Interoperability with Optuna 5.0.0 and optuna-dashboard 0.21.0",
       .enabled(if: hasPeerPython, "SWEPT_PEER_PYTHON is not set: skipping the Optuna interoperability tests"))
struct OptunaInteropTests {
    let dir = TempDir()

    @Test("a study written by swept loads in optuna.load_study trial by trial")
    func optunaReadsSwept() async throws {
        let python = try #require(peerPython())
        let store = try makeStore(dir)
        let expected = try await InteropFixtures.writeStudies(store)
        // Optuna reads while the writer still holds the store (WAL lets readers in).
        let output = try runPython(python, script: InteropFixtures.dumpScript, arguments: [dir.file("swept.db")], in: dir)
        try await store.close()
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        for (got, want) in zip(lines, expected) { #expect(got == want) }
    }

    @Test("optuna-dashboard serves the swept store's studies and trials")
    func dashboardReadsSwept() async throws {
        let python = try #require(peerPython())
        let store = try makeStore(dir)
        _ = try await InteropFixtures.writeStudies(store)
        try await store.close()
        // The script starts optuna-dashboard on a free loopback port, queries its API, and stops it.
        let client = """
            import json, socket, subprocess, sys, time, urllib.request
            s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
            launch = ("import sys; from optuna_dashboard._cli import main; sys.argv = ['optuna-dashboard', "
                      f"'sqlite:///{sys.argv[1]}', '--host', '127.0.0.1', '--port', '{port}', '--server', "
                      "'wsgiref', '--quiet']; main()")
            server = subprocess.Popen([sys.executable, "-c", launch], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            try:
                base = f"http://127.0.0.1:{port}"
                studies = None
                for _ in range(600):
                    try:
                        studies = json.load(urllib.request.urlopen(base + "/api/studies", timeout=5))["study_summaries"]
                        break
                    except OSError:
                        if server.poll() is not None:
                            sys.exit("optuna-dashboard exited with status %s" % server.returncode)
                        time.sleep(0.1)
                if studies is None:
                    sys.exit("optuna-dashboard did not answer within 60 s")
                for s in sorted(studies, key=lambda s: s["study_id"]):
                    detail = json.load(urllib.request.urlopen(f"{base}/api/studies/{s['study_id']}", timeout=30))
                    best = ",".join(str(t["number"]) for t in detail["best_trials"])
                    print(f"study|{s['study_name']}|{','.join(s['directions'])}|{best}|{len(detail['trials'])}")
                    for t in detail["trials"]:
                        params = ",".join(f"{p['name']}={p['param_external_value']}"
                                          for p in sorted(t["params"], key=lambda p: p["name"]))
                        values = ",".join(str(float(v)) for v in (t.get("values") or []))
                        ivs = ",".join(f"{iv['step']}:{float(iv['value'])}" for iv in t["intermediate_values"])
                        print(f"{t['number']}|{t['state']}|{params}|{values}|{ivs}")
            finally:
                server.kill()  # SIGTERM may be ignored when inherited from the test runner
                server.wait(timeout=30)
            """
        let output = try runPython(python, script: client, arguments: [dir.file("swept.db")], in: dir)

        let reader = try StudyStore.open(at: dir.file("swept.db"), options: .reader)
        var expected: [String] = []
        for study in try reader.allStudies() {
            let trials = try reader.trials(in: study.id).map(\.trial)
            let best = study.directions.count == 1
                ? (try reader.bestTrial(in: study.id)).map { "\($0.trial.number)" } ?? ""
                : try reader.paretoFront(of: study.id).map { "\($0.trial.number)" }.joined(separator: ",")
            expected.append("study|\(study.name)|\(study.directions.map { $0.rawValue.lowercased() }.joined(separator: ","))"
                + "|\(best)|\(trials.count)")
            for t in trials {
                let params = t.params.keys.sorted().map { name -> String in
                    switch t.params[name]! {
                    case .string(let s): return "\(name)=\(s)"
                    default: return "\(name)=\(t.params[name]!.description)"
                    }
                }.joined(separator: ",")
                let values = (t.values ?? []).map { "\($0)" }.joined(separator: ",")
                let ivs = t.intermediateValues.keys.sorted().map { "\($0):\(t.intermediateValues[$0]!)" }
                    .joined(separator: ",")
                expected.append("\(t.number)|\(t.state.rawValue.capitalized)|\(params)|\(values)|\(ivs)")
            }
        }
        try await reader.close()
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        for (got, want) in zip(lines, expected) { #expect(got == want) }
    }

    @Test("a study written by Optuna imports into swept and matches trial by trial")
    func importFromOptuna() async throws {
        let python = try #require(peerPython())
        let source = dir.file("optuna.db")
        _ = try runPython(python, script: """
            import sys, optuna
            optuna.logging.set_verbosity(optuna.logging.ERROR)
            storage = "sqlite:///" + sys.argv[1]
            study = optuna.create_study(storage=storage, study_name="from-optuna",
                                        sampler=optuna.samplers.RandomSampler(seed=3))
            study.set_user_attr("origin", {"tool": "optuna", "v": [5, 0.0]})
            def objective(t):
                x = t.suggest_float("x", -2, 2)
                t.suggest_float("lr", 1e-5, 1e-1, log=True)
                t.suggest_float("q", 0, 1, step=0.1)
                t.suggest_int("n", 1, 128, log=True)
                t.suggest_int("k", 0, 9, step=3)
                t.suggest_categorical("act", ["relu", "tanh", None, 7, 0.5, False])
                t.set_user_attr("note", "hi")
                for step in range(3):
                    t.report([x * x, float("nan"), float("inf")][step] if t.number % 3 == 0 else x + step, step)
                    if t.number % 4 == 3 and step == 1:
                        raise optuna.TrialPruned()
                if t.number % 7 == 6:
                    raise ValueError("boom")
                return x * x
            study.optimize(objective, n_trials=20, catch=(ValueError,))
            study.enqueue_trial({"x": 0.5})
            optuna.create_study(storage=storage, study_name="other", directions=["maximize", "minimize"])
            """, arguments: [source], in: dir)
        let before = fileBytes(source)
        let store = try makeStore(dir)
        #expect(try StudyStore.optunaStudyNames(at: source) == ["from-optuna", "other"])
        let record = try await store.importOptunaStudy(from: source, studyName: "from-optuna")
        let mo = try await store.importOptunaStudy(from: source, studyName: "other", as: "other-copy")
        #expect(mo.directions == [.maximize, .minimize])
        await #expect { try await store.importOptunaStudy(from: source, studyName: "from-optuna") } throws: {
            ($0 as? StoreError)?.code == .duplicateStudyName
        }
        await #expect { try await store.importOptunaStudy(from: source, studyName: "nope") } throws: {
            ($0 as? StoreError)?.code == .studyNotFound && "\($0)".contains("from-optuna")
        }
        #expect(fileBytes(source) == before, "the Optuna source file was modified")

        let optunaLines = try runPython(python, script: InteropFixtures.dumpScript, arguments: [source], in: dir)
            .split(separator: "\n").map(String.init)
        let ours = try store.trials(in: record.id).map { InteropFixtures.line($0.trial) }
        let studyLine = optunaLines.first { $0.hasPrefix("study|from-optuna|") }
        let optunaTrials = Array(optunaLines.drop { !$0.hasPrefix("study|from-optuna|") }.dropFirst()
            .prefix { !$0.hasPrefix("study|") })
        #expect(ours.count == 21)
        #expect(ours == optunaTrials)
        let best = try #require(try store.bestTrial(in: record.id))
        #expect(studyLine == InteropFixtures.studyLine("from-optuna", [.minimize], best: "\(best.trial.number)",
                                                       userAttributes: try store.studyUserAttributes(record.id)))
        try await store.close()

        // And Optuna reads the imported copy exactly as the original.
        let copyLines = try runPython(python, script: InteropFixtures.dumpScript, arguments: [dir.file("swept.db")],
                                      in: dir).split(separator: "\n").map(String.init)
        #expect(Array(copyLines.drop { !$0.hasPrefix("study|from-optuna|") }.dropFirst().prefix { !$0.hasPrefix("study|") })
                == optunaTrials)
    }

    @Test("an Optuna database opened directly is adopted: swept adds its tables and continues the numbering")
    func adoptOptunaDatabase() async throws {
        let python = try #require(peerPython())
        let path = dir.file("adopt.db")
        _ = try runPython(python, script: """
            import sys, optuna
            optuna.logging.set_verbosity(optuna.logging.ERROR)
            study = optuna.create_study(storage="sqlite:///" + sys.argv[1], study_name="adopted")
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
            """, arguments: [path], in: dir)
        let store = try StudyStore.open(at: path, options: StoreOptions(synchronous: .off))
        let study = try #require(try store.study(named: "adopted"))
        #expect(try store.trials(in: study.id).map(\.trial.number) == [0, 1, 2])
        let next = try await store.createTrial(in: study.id)
        #expect(next.number == 3)
        try await store.finishTrial(next.id, state: .complete, values: [-1])
        try await store.close()
        let lines = try runPython(python, script: InteropFixtures.dumpScript, arguments: [path], in: dir)
            .split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("study|adopted|MINIMIZE|3|") == true)
    }
}
