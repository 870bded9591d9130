@testable import SweptStore
import SweptTuning
import Testing

@Suite("Optuna formats: distribution JSON, attribute JSON, datetimes")
struct FormatTests {
    /// Strings written by Optuna 5.0.0's `distribution_to_json` (captured from a database Optuna wrote).
    static let optunaDistributions: [(String, Distribution)] = {
        func f(_ low: Double, _ high: Double, step: Double? = nil, log: Bool = false) -> Distribution {
            .float(try! FloatDistribution(low: low, high: high, step: step, log: log))
        }
        func i(_ low: Int, _ high: Int, step: Int = 1, log: Bool = false) -> Distribution {
            .int(try! IntDistribution(low: low, high: high, step: step, log: log))
        }
        return [
            (#"{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}"#,
             f(-1, 1)),
            (#"{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.001, "high": 1.0, "log": true}}"#,
             f(0.001, 1, log: true)),
            (#"{"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}"#,
             f(0, 1, step: 0.25)),
            (#"{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 10}}"#, i(0, 10)),
            (#"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 64}}"#,
             i(1, 64, log: true)),
            (#"{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 0, "high": 10}}"#,
             i(0, 10, step: 2)),
            (#"{"name": "CategoricalDistribution", "attributes": {"choices": ["a", 1, 2.5, true, null]}}"#,
             .categorical(try! CategoricalDistribution(choices: ["a", 1, 2.5, true, nil]))),
        ]
    }()

    @Test("distribution JSON is byte-identical to Optuna's and reads back", arguments: optunaDistributions)
    func distributionJSON(json: String, distribution: Distribution) throws {
        #expect(DistributionJSON.encode(distribution) == json)
        #expect(try DistributionJSON.decode(json, context: "test") == distribution)
    }

    @Test("remembered distribution texts keep the sign of zero and each choice's kind")
    func distributionJSONCacheIsExact() throws {
        let positive = Distribution.float(try FloatDistribution(low: 0.0, high: 1.0))
        let negative = Distribution.float(try FloatDistribution(low: -0.0, high: 1.0))
        #expect(positive == negative)  // equal as numbers, so a cache keyed by `Distribution` would mix them up
        for _ in 0..<2 {
            #expect(DistributionJSON.encode(positive) == DistributionJSON.render(positive))
            #expect(DistributionJSON.encode(negative) == DistributionJSON.render(negative))
            #expect(DistributionJSON.encode(positive).contains(#""low": 0.0"#))
            #expect(DistributionJSON.encode(negative).contains(#""low": -0.0"#))
        }
        // Choices that Swift's equality mixes up but JSON writes differently: the sign of zero, and a precomposed
        // "é" against "e" + combining acute accent (canonically equivalent strings compare equal in Swift).
        let pairs: [([ParamValue], [ParamValue])] = [
            ([.float(0.0), .int(1)], [.float(-0.0), .int(1)]),
            (["\u{E9}"], ["e\u{301}"]),
            ([.int(0)], [.float(0.0)]),
            ([.bool(true)], [.int(1)]),
        ]
        for (first, second) in pairs {
            let a = Distribution.categorical(try CategoricalDistribution(choices: first))
            let b = Distribution.categorical(try CategoricalDistribution(choices: second))
            // Bytes, not `String` equality, which would call the two accents equal.
            for _ in 0..<2 {
                #expect(Array(DistributionJSON.encode(a).utf8) == Array(DistributionJSON.render(a).utf8))
                #expect(Array(DistributionJSON.encode(b).utf8) == Array(DistributionJSON.render(b).utf8))
                #expect(Array(DistributionJSON.encode(a).utf8) != Array(DistributionJSON.encode(b).utf8))
            }
        }
        // Past its limit the cache starts again; every text stays right.
        for k in 0...(DistributionJSON.cacheLimit + 1) {
            let d = Distribution.int(try IntDistribution(low: 0, high: k + 1))
            #expect(DistributionJSON.encode(d) == DistributionJSON.render(d))
        }
        #expect(DistributionJSON.encode(negative) == DistributionJSON.render(negative))
    }

    @Test("pre-3.0 distribution names still read")
    func legacyDistributions() throws {
        let uniform = try DistributionJSON.decode(
            #"{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 2.0}}"#, context: "t")
        #expect(uniform == .float(try FloatDistribution(low: 0, high: 2)))
        let intLog = try DistributionJSON.decode(
            #"{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 8, "step": 1}}"#, context: "t")
        #expect(intLog == .int(try IntDistribution(low: 1, high: 8, log: true)))
    }

    @Test("malformed distribution JSON names the row")
    func badDistribution() {
        #expect {
            try DistributionJSON.decode(#"{"name": "Nope", "attributes": {}}"#, context: "param 'x' of trial 3")
        } throws: { error in
            (error as? StoreError)?.message.contains("param 'x' of trial 3") == true
        }
        #expect(throws: StoreError.self) { try DistributionJSON.decode("{", context: "t") }
    }

    @Test("attribute JSON matches Python's json.dumps and round-trips")
    func attributeJSON() throws {
        let value = AttributeValue.object(["a": .array([.int(1), .double(2.5), .null, .bool(true)]),
                                           "b": .string("é\"\n"), "c": .double(.infinity)])
        let text = AttributeJSON.encode(value)
        #expect(text == #"{"a": [1, 2.5, null, true], "b": "\u00e9\"\n", "c": Infinity}"#)
        #expect(try AttributeJSON.decode(text, context: "t") == value)
        #expect(try AttributeJSON.decode(#"{"a": [1, 2.5, null, true]}"#, context: "t")
                == .object(["a": .array([.int(1), .double(2.5), .null, .bool(true)])]))
        // Printable ASCII is copied whole; anything else takes the escaping path (json.dumps escapes DEL too).
        #expect(AttributeJSON.encode(.string("plain ASCII ~!")) == #""plain ASCII ~!""#)
        #expect(AttributeJSON.encode(.string("tab\tback\\slash")) == #""tab\tback\\slash""#)
        #expect(AttributeJSON.encode(.string("del\u{7F}")) == #""del\u007f""#)
        #expect(AttributeJSON.encode(.string("quote\"")) == #""quote\"""#)
        #expect(JSONValue.pythonFloat(1e-05) == "1e-05")
        #expect(JSONValue.pythonFloat(1e16) == "1e+16")
        #expect(JSONValue.pythonFloat(100) == "100.0")
    }

    @Test("datetimes are naive UTC with microseconds, both ways",
          arguments: [(1_800_000_000.25, "2027-01-15 08:00:00.250000"), (0, "1970-01-01 00:00:00.000000"),
                      (1_732_661_999.653835, "2024-11-26 22:59:59.653835"),
                      (-86_399.5, "1969-12-31 00:00:00.500000"), (253_402_300_799.5, "9999-12-31 23:59:59.500000")])
    func datetimes(seconds: Double, text: String) throws {
        #expect(OptunaDateTime.format(seconds) == text)
        let parsed = try #require(OptunaDateTime.parse(text))
        #expect(abs(parsed - seconds) < 1e-6)
        #expect(OptunaDateTime.parse("2024-11-26 22:59:59") == 1_732_661_999)
        #expect(OptunaDateTime.parse("garbage") == nil)
    }

    @Test("non-finite values use Optuna's value types")
    func storedDoubles() {
        #expect(StoredDouble.encode(1.5) == (1.5, "FINITE"))
        #expect(StoredDouble.encode(.infinity).type == "INF_POS")
        #expect(StoredDouble.encode(-.infinity).type == "INF_NEG")
        #expect(StoredDouble.encode(.nan).type == "NAN")
        #expect(StoredDouble.encode(.nan).value == nil)
        #expect(StoredDouble.decode(nil, type: "INF_NEG") == -.infinity)
        #expect(StoredDouble.decode(nil, type: "NAN").isNaN)
    }

    @Test("a lease.granted detail is the attribute JSON of its object", arguments: ["w-1", "nœud \"7\"\n", ""])
    func leaseGrantedDetail(worker: String) {
        let object = AttributeValue.object(["worker": .string(worker), "epoch": .int(42)])
        #expect(RowHelpers.leaseGrantedDetail(worker: worker, epoch: 42) == AttributeJSON.encode(object))
    }
}
