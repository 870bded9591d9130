import Testing
@testable import SweptTuning

@Suite("SortedValues: blocked sorted values for the pruners' per-step reference")
struct SortedValuesTests {
    /// The reference: one array with upper-bound insertion (equal values in insertion order).
    static func insertIntoArray(_ value: Double, _ array: inout [Double]) {
        array.insert(value, at: SortedValues.upperBound(of: value, in: array))
    }

    @Test("inserting in any order keeps exactly the array's order, bits included, across many block splits",
          arguments: [1, 2, 3, 8, 512])
    func sameOrderAsOneArray(blockSize: Int) {
        var random = TuningRandom(seed: 42)
        var values = SortedValues(blockSize: blockSize)
        var reference: [Double] = []
        for index in 0..<3_000 {
            // Few distinct values (many ties), both zeros, infinities and the occasional spread-out value.
            let pick = random.uniform(0, 1)
            let value: Double = switch index % 7 {
            case 0: -0.0
            case 1: 0.0
            case 2: pick < 0.5 ? .infinity : -.infinity
            case 3: random.uniform(-1e6, 1e6)
            default: Double(Int(pick * 20)) / 4
            }
            values.insert(value)
            Self.insertIntoArray(value, &reference)
        }
        #expect(values.count == reference.count)
        #expect(Array(values).map(\.bitPattern) == reference.map(\.bitPattern))
        for position in stride(from: 0, to: reference.count, by: 37) {
            #expect(values[position].bitPattern == reference[position].bitPattern)
        }
        for q in [0.0, 10, 25, 50, 75, 90, 99.5, 100] {
            #expect(Percentile.ofSorted(values, q: q).bitPattern == Percentile.ofSorted(reference, q: q).bitPattern)
        }
    }

    @Test("built from a sorted array: the same values, equal to one built by inserting them")
    func fromArray() {
        let ascending = (0..<1_300).map { Double($0 / 3) }
        let built = SortedValues(ascending, blockSize: 64)
        var inserted = SortedValues(blockSize: 5)
        for value in ascending.reversed() { inserted.insert(value) }
        #expect(Array(built) == ascending)
        #expect(built == inserted)
        #expect(built != SortedValues(Array(ascending.dropLast())))
        #expect(SortedValues().isEmpty && SortedValues([]).count == 0)
        #expect(Percentile.ofSorted(SortedValues(), q: 50).isNaN)
    }
}
