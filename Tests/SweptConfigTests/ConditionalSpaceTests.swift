import SweptConfig
import SweptTuning
import Testing

@Suite("Search spaces with conditional parameters")
struct ConditionalSpaceTests {
    static let yaml = """
        name: cond
        direction: minimize
        sampler: {type: random, seed: 5}
        objective: {type: function, name: mixed}
        space:
          momentum: {float: [0.5, 0.99], when: {optimizer: [sgd, nesterov]}}
          optimizer: {categorical: [sgd, nesterov, adam]}
          beta2: {float: [0.9, 0.9999], when: {optimizer: adam}}
          layers: {int: [1, 3]}
          units_3: {int: [8, 64], when: {layers: 3, optimizer: adam}}
        """

    @Test func parentsComeFirstWhateverTheDeclarationOrder() throws {
        let config = try StudyConfigParser.parse(yaml: Self.yaml)
        #expect(config.space.names == ["optimizer", "momentum", "beta2", "layers", "units_3"])
        #expect(config.space["momentum"]?.conditions == [
            ParameterCondition(parent: "optimizer", values: [.string("sgd"), .string("nesterov")]),
        ])
    }

    @Test func suggestHonoursConditionsOverManyTrials() throws {
        let config = try StudyConfigParser.parse(yaml: Self.yaml)
        let study = try StudyFactory.makeStudy(config)
        var sawUnits3 = false
        for _ in 0..<60 {
            let trial = try study.ask()
            let params = try config.space.suggest(trial)
            let optimizer = try #require(params["optimizer"]?.stringValue)
            #expect((params["momentum"] != nil) == (optimizer == "sgd" || optimizer == "nesterov"))
            #expect((params["beta2"] != nil) == (optimizer == "adam"))
            let bothHold = optimizer == "adam" && params["layers"] == .int(3)
            #expect((params["units_3"] != nil) == bothHold)
            sawUnits3 = sawUnits3 || bothHold
            #expect(trial.params == params)
            try study.tell(trial, values: [Double(params.count)])
        }
        #expect(sawUnits3)
    }

    @Test func activeParametersFollowAGivenAssignment() throws {
        let space = try StudyConfigParser.parse(yaml: Self.yaml).space
        let active = space.activeParameters(given: ["optimizer": "adam", "layers": 3])
        #expect(active.map(\.name) == ["optimizer", "beta2", "layers", "units_3"])
    }

    @Test func conditionValuesCompareIntsAndFloatsNumerically() {
        let condition = ParameterCondition(parent: "layers", values: [.int(2)])
        #expect(condition.holds(for: .float(2.0)))
        #expect(!condition.holds(for: .int(3)))
        #expect(!condition.holds(for: .string("2")))
    }
}

@Suite("Grid studies over conditional spaces")
struct ConditionalGridTests {
    @Test func aGridVisitsEveryPointAndConditionsStillHold() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: g
            direction: minimize
            sampler: {type: grid, seed: 1}
            objective: {type: function, name: mixed}
            space:
              optimizer: {categorical: [sgd, adam]}
              momentum: {categorical: [0.5, 0.9], when: {optimizer: sgd}}
              layers: {int: [1, 2]}
            """)
        let study = try StudyFactory.makeStudy(config)
        var seen = Set<[String: ParamValue]>()
        var count = 0
        while !study.isExhausted, count < 20 {
            let trial = try study.ask()
            let params = try config.space.suggest(trial)
            #expect((params["momentum"] != nil) == (params["optimizer"] == "sgd"))
            seen.insert(params)
            try study.tell(trial, values: [1])
            count += 1
        }
        #expect(count == 8)
        #expect(study.isExhausted)
        #expect(seen.count == 6)
    }
}

@Suite("Chained conditions")
struct ChainedConditionTests {
    @Test func aGrandchildExistsOnlyWhenEveryAncestorHolds() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: chain
            direction: minimize
            sampler: {type: random, seed: 2}
            objective: {type: function, name: mixed}
            space:
              c: {float: [0, 1], when: {b: on}}
              b: {categorical: [on, off], when: {a: yes}}
              a: {categorical: [yes, no]}
            """)
        #expect(config.space.names == ["a", "b", "c"])
        let study = try StudyFactory.makeStudy(config)
        var sawC = false
        for _ in 0..<40 {
            let trial = try study.ask()
            let params = try config.space.suggest(trial)
            #expect((params["b"] != nil) == (params["a"] == "yes"))
            #expect((params["c"] != nil) == (params["b"] == "on"))
            sawC = sawC || params["c"] != nil
            try study.tell(trial, values: [0])
        }
        #expect(sawC)
    }
}
