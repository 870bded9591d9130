import Foundation
import SweptConfig
import SweptTuning
import SweptWorker
import Testing

@Suite("Study objectives travel to workers as specs")
struct StudyObjectivesTests {
    static let yaml = """
        name: cmd
        direction: minimize
        objective: {type: command, run: 'echo "swept: final value=$SWEPT_PARAM_X"'}
        space: {x: {float: [0, 1]}}
        """

    @Test func aCommandConfigRoundTripsThroughItsSpec() async throws {
        let config = try StudyConfigParser.parse(yaml: Self.yaml, file: "cmd.yaml")
        let spec = config.objectiveSpec(yaml: Self.yaml)
        let objective = try #require(try StudyObjectives.resolve(spec))
        let outcome = try await objective.run(
            ObjectiveContext(studyName: "cmd", trialNumber: 0, params: ["x": 0.5]), reporter: RecordingReporter())
        #expect(outcome == .complete([0.5]))
    }

    @Test func functionConfigsBecomeTestFunctionSpecs() throws {
        let yaml = """
            name: f
            direction: minimize
            objective: {type: function, name: branin, steps: 4, step_sleep: 20ms}
            space: {x: {float: [-5, 10]}, y: {float: [0, 15]}}
            """
        let config = try StudyConfigParser.parse(yaml: yaml)
        let spec = config.objectiveSpec(yaml: yaml)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "test-function")
        #expect(object["function"] as? String == "branin")
        #expect(object["steps"] as? Int == 4)
        #expect(object["sleep_ms"] as? Int == 20)
        #expect(try StudyObjectives.resolve(spec) == nil)
        #expect(StudyObjectives.objective(for: config) == nil)
    }

    @Test func otherSpecsAreLeftToOtherResolvers() throws {
        #expect(try StudyObjectives.resolve("{\"type\": \"test-function\"}") == nil)
        #expect(try StudyObjectives.resolve("not json") == nil)
    }

    @Test func aBrokenCarriedConfigIsAConfigError() throws {
        let spec = "{\"type\": \"study-config\", \"file\": \"x.yaml\", \"yaml\": \"name: [\"}"
        #expect(throws: ConfigError.self) { try StudyObjectives.resolve(spec) }
    }
}

@Suite("Budget settings reach objectives")
struct BudgetToObjectiveTests {
    @Test func trialTimeoutBecomesTheCommandsTimeoutUnlessItHasOne() throws {
        let yaml = """
            name: t
            direction: minimize
            budget: {trial_timeout: 90s}
            objective: {type: command, run: [true]}
            space: {x: {float: [0, 1]}}
            """
        let config = try StudyConfigParser.parse(yaml: yaml)
        let objective = try #require(StudyObjectives.objective(for: config) as? CommandObjective)
        #expect(objective.config.timeout == 90)
        let own = try StudyConfigParser.parse(
            yaml: yaml.replacingOccurrences(of: "run: [true]", with: "run: [true], timeout: 5s"))
        #expect((StudyObjectives.objective(for: own) as? CommandObjective)?.config.timeout == 5)
    }
}
