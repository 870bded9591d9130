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
    ])
    func optima(function: TestFunctionObjective.Function, params: [String: ParamValue], expected: Double) {
        #expect(abs(TestFunctionObjective(function: function).value(params) - expected) < 1e-5)
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
