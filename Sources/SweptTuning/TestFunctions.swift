/// Standard optimization test functions with their search spaces and known minima, for sampler quality checks
/// (`swept-bench quality`) and for workers that run synthetic objectives.
public struct TestFunction: Sendable {
    /// Short name (`branin`, `hartmann6`, `rosenbrock10`, `styblinski8`, `mixed`).
    public let name: String
    /// Parameters in suggestion order.
    public let space: [(name: String, distribution: Distribution)]
    /// The global minimum value.
    public let minimum: Double
    /// A point where the minimum is reached (external values by name).
    public let argmin: [String: ParamValue]
    /// Evaluates the function at external values by name.
    public let evaluate: @Sendable ([String: ParamValue]) -> Double
}

/// The built-in test functions (all minimized).
public enum TestFunctions {
    /// Every function, in the order `swept-bench quality` prints them.
    public static var all: [TestFunction] {
        [branin, hartmann6, rosenbrock(dimensions: 10), styblinskiTang(dimensions: 8), mixed]
    }

    /// A function by name, or nil.
    public static func named(_ name: String) -> TestFunction? { all.first { $0.name == name } }

    /// Distributions from constant, valid bounds (construction cannot fail for them).
    static func float(_ low: Double, _ high: Double, step: Double? = nil, log: Bool = false) -> Distribution {
        guard let d = try? FloatDistribution(low: low, high: high, step: step, log: log) else {
            preconditionFailure("invalid constant float bounds [\(low), \(high)]")
        }
        return .float(d)
    }

    static func int(_ low: Int, _ high: Int, log: Bool = false) -> Distribution {
        guard let d = try? IntDistribution(low: low, high: high, log: log) else {
            preconditionFailure("invalid constant int bounds [\(low), \(high)]")
        }
        return .int(d)
    }

    static func categorical(_ choices: [String]) -> Distribution {
        guard let d = try? CategoricalDistribution(choices: choices.map(ParamValue.string)) else {
            preconditionFailure("invalid constant choices \(choices)")
        }
        return .categorical(d)
    }

    static func real(_ params: [String: ParamValue], _ name: String) -> Double { params[name]?.doubleValue ?? .nan }

    /// Branin–Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; minimum 0.397887 at (π, 2.275) and two other points.
    public static let branin = TestFunction(
        name: "branin", space: [("x1", float(-5, 10)), ("x2", float(0, 15))], minimum: 0.397_887_357_729_738,
        argmin: ["x1": .float(Double.pi), "x2": .float(2.275)]
    ) { p in
        let x1 = real(p, "x1"), x2 = real(p, "x2")
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let u = x2 - b * x1 * x1 + c * x1 - 6
        return u * u + 10 * (1 - t) * TuningMath.cos(x1) + 10
    }

    static let hartmannA: [[Double]] = [
        [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    static let hartmannP: [[Double]] = [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ]
    static let hartmannAlpha = [1.0, 1.2, 3.0, 3.2]

    /// Hartmann 6-d on [0, 1]⁶; minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
    public static let hartmann6 = TestFunction(
        name: "hartmann6", space: (0..<6).map { ("x\($0)", float(0, 1)) }, minimum: -3.322_368_011_415_5,
        argmin: Dictionary(uniqueKeysWithValues: zip(
            (0..<6).map { "x\($0)" },
            [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573].map(ParamValue.float)))
    ) { p in
        let x = (0..<6).map { real(p, "x\($0)") }
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += hartmannA[i][j] * (x[j] - hartmannP[i][j]) * (x[j] - hartmannP[i][j]) }
            total -= hartmannAlpha[i] * TuningMath.exp(-inner)
        }
        return total
    }

    /// Rosenbrock on [−5, 10]^d; minimum 0 at (1, …, 1).
    public static func rosenbrock(dimensions d: Int) -> TestFunction {
        TestFunction(
            name: "rosenbrock\(d)", space: (0..<d).map { ("x\($0)", float(-5, 10)) }, minimum: 0,
            argmin: Dictionary(uniqueKeysWithValues: (0..<d).map { ("x\($0)", ParamValue.float(1)) })
        ) { p in
            let x = (0..<d).map { real(p, "x\($0)") }
            var total = 0.0
            for i in 0..<(d - 1) {
                let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
                total += 100 * a * a + b * b
            }
            return total
        }
    }

    /// Styblinski–Tang on [−5, 5]^d; minimum −39.16617·d at xᵢ = −2.903534.
    public static func styblinskiTang(dimensions d: Int) -> TestFunction {
        let xStar = -2.903_534_027_771_177_8
        let single = 0.5 * (xStar * xStar * xStar * xStar - 16 * xStar * xStar + 5 * xStar)
        return TestFunction(
            name: "styblinski\(d)", space: (0..<d).map { ("x\($0)", float(-5, 5)) }, minimum: single * Double(d),
            argmin: Dictionary(uniqueKeysWithValues: (0..<d).map { ("x\($0)", ParamValue.float(xStar)) })
        ) { p in
            var total = 0.0
            for i in 0..<d {
                let x = real(p, "x\(i)")
                total += 0.5 * (x * x * x * x - 16 * x * x + 5 * x)
            }
            return total
        }
    }

    /// A mixed space like a model's hyperparameters: log float `lr` ∈ [1e-5, 1e-1], log int `units` ∈ [1, 1024],
    /// int `layers` ∈ [1, 4], categorical `activation` of three, stepped float `dropout` ∈ [0, 0.5] step 0.05.
    /// f = (log₁₀ lr + 3)² + (log₂ units − 7)²/4 + (layers − 2)²/2 + [activation ≠ gelu] + 10·(dropout − 0.2)²;
    /// minimum 0 at lr = 1e-3, units = 128, layers = 2, gelu, dropout = 0.2.
    public static let mixed = TestFunction(
        name: "mixed",
        space: [
            ("lr", float(1e-5, 1e-1, log: true)),
            ("units", int(1, 1024, log: true)),
            ("layers", int(1, 4)),
            ("activation", categorical(["relu", "tanh", "gelu"])),
            ("dropout", float(0, 0.5, step: 0.05)),
        ],
        minimum: 0,
        argmin: ["lr": .float(1e-3), "units": .int(128), "layers": .int(2), "activation": .string("gelu"),
                 "dropout": .float(0.2)]
    ) { p in
        let lr = real(p, "lr"), units = real(p, "units"), layers = real(p, "layers"), dropout = real(p, "dropout")
        let a = TuningMath.log(lr) / TuningMath.log(10) + 3
        let u = TuningMath.log(units) / TuningMath.log(2) - 7
        return a * a + u * u / 4 + (layers - 2) * (layers - 2) / 2 + (p["activation"] == .string("gelu") ? 0 : 1)
            + 10 * (dropout - 0.2) * (dropout - 0.2)
    }
}
