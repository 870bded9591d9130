/// Evaluating a built-in test function on a trial's parameters whatever the space calls them.
extension TestFunctions {
    /// The names a study config or objective spec may use for a built-in function.
    public static let objectiveNames = ["branin", "hartmann6", "rosenbrock", "styblinski-tang", "mixed"]

    /// Evaluates the function `name` at `params`.
    ///
    /// `mixed` reads its parameters by name (`lr`, `units`, `layers`, `activation`, `dropout`). The others take
    /// the trial's numeric parameters in natural name order (`x2` before `x10`) as their coordinates:
    /// `branin` needs 2, `hartmann6` 6, `rosenbrock` and `styblinski-tang` any number (≥ 2 and ≥ 1).
    /// - Throws: `TuningError` naming the function and what it expected.
    public static func evaluate(_ name: String, params: [String: ParamValue]) throws -> Double {
        if name == "mixed" {
            let missing = mixed.space.map(\.name).filter { params[$0] == nil }
            guard missing.isEmpty else {
                throw TuningError(.invalidArgument, "test function 'mixed' reads parameters lr, units, layers, activation, dropout; "
                    + "missing: " + missing.joined(separator: ", "))
            }
            return mixed.evaluate(params)
        }
        let names = params.keys.filter { params[$0]?.doubleValue != nil }.sorted(by: naturalOrder)
        let coordinates = names.compactMap { params[$0]?.doubleValue }
        let function: TestFunction
        switch name {
        case "branin": function = branin
        case "hartmann6": function = hartmann6
        case "rosenbrock":
            guard coordinates.count >= 2 else {
                throw TuningError(.invalidArgument, "test function 'rosenbrock' needs at least 2 numeric parameters, got "
                    + "\(coordinates.count)")
            }
            function = rosenbrock(dimensions: coordinates.count)
        case "styblinski-tang":
            guard !coordinates.isEmpty else {
                throw TuningError(.invalidArgument, "test function 'styblinski-tang' needs at least 1 numeric parameter, got 0")
            }
            function = styblinskiTang(dimensions: coordinates.count)
        default:
            throw TuningError(.invalidArgument, "unknown test function '\(name)'; expected one of "
                + objectiveNames.joined(separator: ", "))
        }
        guard function.space.count == coordinates.count else {
            throw TuningError(.invalidArgument, "test function '\(name)' needs \(function.space.count) numeric parameters, got "
                + "\(coordinates.count) (\(names.joined(separator: ", ")))")
        }
        var positional: [String: ParamValue] = [:]
        for (index, parameter) in function.space.enumerated() { positional[parameter.name] = .float(coordinates[index]) }
        return function.evaluate(positional)
    }

    /// Natural order of names: digit runs compare as numbers, so `x2` sorts before `x10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        var left = Substring(a), right = Substring(b)
        while let l = left.first, let r = right.first {
            if l.isASCII, l.isNumber, r.isASCII, r.isNumber {
                let ld = left.prefix { $0.isASCII && $0.isNumber }, rd = right.prefix { $0.isASCII && $0.isNumber }
                let ln = ld.drop { $0 == "0" }, rn = rd.drop { $0 == "0" }
                if ln.count != rn.count { return ln.count < rn.count }
                if ln != rn { return ln < rn }
                left = left.dropFirst(ld.count)
                right = right.dropFirst(rd.count)
                continue
            }
            if l != r { return l < r }
            left = left.dropFirst()
            right = right.dropFirst()
        }
        return left.isEmpty && !right.isEmpty
    }
}
