import SweptTuning
import SweptWorker
import Synchronization
import Testing

/// Records reports and answers with scripted decisions.
final class ScriptedReporter: TrialReporter {
    let decisions: [ReportDecision]
    let seen = Mutex<[(Int, Double)]>([])

    init(_ decisions: [ReportDecision] = []) { self.decisions = decisions }

    func report(step: Int, value: Double) async throws -> ReportDecision {
        seen.withLock { seen in
            seen.append((step, value))
            return seen.count <= decisions.count ? decisions[seen.count - 1] : .proceed
        }
    }

    var steps: [Int] { seen.withLock { $0.map(\.0) } }
    var values: [Double] { seen.withLock { $0.map(\.1) } }
}

@Suite("Test-function objective")
struct TestFunctionObjectiveTests {
    let context = ObjectiveContext(studyName: "s", trialNumber: 0, params: ["x": .float(3), "y": .float(1), "c": "relu"])

    @Test("reports every step, converging to the final value, and completes with it")
    func linearSchedule() async throws {
        let objective = TestFunctionObjective(function: .quadratic, steps: 4)
        let reporter = ScriptedReporter()
        let outcome = try await objective.run(context, reporter: reporter)
        #expect(outcome == .complete([2.0]))
        #expect(reporter.steps == [0, 1, 2, 3])
        #expect(reporter.values.last == 2.0)
        #expect(reporter.values == reporter.values.sorted(by: >))
    }

    @Test("obeys prune and stop at once", arguments: [(ReportDecision.prune, ObjectiveOutcome.pruned),
                                                      (.stop, .stopped)])
    func obeys(decision: ReportDecision, expected: ObjectiveOutcome) async throws {
        let reporter = ScriptedReporter([.proceed, decision])
        let outcome = try await TestFunctionObjective(steps: 10).run(context, reporter: reporter)
        #expect(outcome == expected)
        #expect(reporter.steps == [0, 1])
    }

    @Test("known functions at their optima", arguments: [
        (TestFunctionObjective.Function.quadratic, ["x": ParamValue.float(2), "y": .float(2)], 0.0),
        (.sphere, ["x": .float(0), "y": .int(0)], 0.0),
        (.rosenbrock, ["a": .float(1), "b": .float(1)], 0.0),
        (.branin, ["x": .float(Double.pi), "y": .float(2.275)], 0.397887),
        (.hartmann6, Dictionary(uniqueKeysWithValues: zip(
            (1...6).map { "x\($0)" }, [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573].map(ParamValue.float))),
         -3.32237),
        (.styblinskiTang, Dictionary(uniqueKeysWithValues: (1...10).map { ("x\($0)", ParamValue.float(-2.903534)) }),
         -391.6617),
        (.mixed, ["lr": .float(1e-3), "units": .int(128), "layers": .int(2), "activation": .string("gelu"),
                  "dropout": .float(0.2)], 0.0),
    ])
    func optima(function: TestFunctionObjective.Function, params: [String: ParamValue], expected: Double) throws {
        #expect(abs(try TestFunctionObjective(function: function).value(params) - expected) < 1e-4)
    }

    @Test("coordinates follow natural name order: x2 before x10")
    func naturalOrder() throws {
        // Rosenbrock is not symmetric: its minimum (1, 1, …) holds only with the coordinates in order.
        var params = Dictionary(uniqueKeysWithValues: (1...10).map { ("x\($0)", ParamValue.float(1)) })
        #expect(try TestFunctionObjective(function: .rosenbrock).value(params) == 0)
        params["x10"] = .float(0)  // the last coordinate: only the 9th term changes, by 100·(0 − 1)² = 100
        #expect(try TestFunctionObjective(function: .rosenbrock).value(params) == 100)
    }

    @Test("parameters that do not fit the function fail the trial with the reason")
    func misfit() async throws {
        let objective = TestFunctionObjective(function: .hartmann6, steps: 2)
        let context = ObjectiveContext(studyName: "s", trialNumber: 0, params: ["x": .float(0.5)], blasThreads: 1)
        let outcome = try await objective.run(context, reporter: ScriptedReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failed outcome, got \(outcome)")
            return
        }
        #expect(reason.contains("hartmann6 needs 6 numeric parameters") || reason.contains("'hartmann6' needs 6"))
    }

    @Test("reads its spec; other kinds are not its business; bad fields are named")
    func spec() throws {
        let objective = try #require(try TestFunctionObjective(spec: """
            {"type": "test-function", "function": "branin", "steps": 3, "sleep_ms": 7, "schedule": "constant"}
            """))
        #expect(objective.function == .branin)
        #expect(objective.steps == 3)
        #expect(objective.sleepMillis == 7)
        #expect(objective.schedule == .constant)
        #expect(try TestFunctionObjective(spec: "{\"type\": \"mlp\"}") == nil)
        #expect(throws: ObjectiveSpecError.self) { try TestFunctionObjective(spec: "{\"type\": \"test-function\", \"function\": \"nope\"}") }
        #expect(throws: ObjectiveSpecError.self) { try TestFunctionObjective(spec: "{\"type\": \"test-function\", \"steps\": 0}") }
        #expect(throws: ObjectiveSpecError.self) { try ObjectiveResolver().objective(for: "{\"type\": \"unknown\"}") }
    }
}
