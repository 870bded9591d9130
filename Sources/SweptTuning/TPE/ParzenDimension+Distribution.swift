extension ParzenDimension {
    /// The Parzen view of a search-space distribution (ints are stepped; categorical by choice count).
    public init(_ distribution: Distribution) {
        switch distribution {
        case .float(let d):
            self.init(low: d.low, high: d.high, step: d.step, log: d.log)
        case .int(let d):
            self.init(low: Double(d.low), high: Double(d.high), step: Double(d.step), log: d.log)
        case .categorical(let d):
            self.init(categoricalChoices: d.choices.count)
        }
    }
}
