import CSweptKernels

/// Preallocated buffers for forward and backward passes over batches of up to `capacity` rows.
/// Nothing is allocated per batch: every activation, gradient and mask is reused.
final class Workspace {
    let capacity: Int
    let layouts: [LayerLayout]
    let head: OutputHead
    /// The batch's input rows (`capacity × inputs`).
    private(set) var input: UnsafeMutablePointer<Float>
    /// A second input buffer (training only) that the next batch is gathered into while the weight gradients still
    /// read `input`; `swapInputs` exchanges them.
    private(set) var spareInput: UnsafeMutablePointer<Float>
    /// Per layer: outputs after activation (the logits for the last layer).
    let outputs: [UnsafeMutablePointer<Float>]
    /// Per layer: pre-activations, only for activations whose derivative needs them (else the outputs buffer).
    let preActivations: [UnsafeMutablePointer<Float>]
    /// Per layer: inputs to the next layer after dropout (the outputs buffer when the layer has no dropout).
    let dropped: [UnsafeMutablePointer<Float>]
    /// Per layer: dropout scale masks (0 or 1 / (1 - p)); unused without dropout.
    let masks: [UnsafeMutablePointer<Float>]
    /// Per layer: gradient of the loss with respect to the pre-activation.
    let gradients: [UnsafeMutablePointer<Float>]
    /// Gradient of the loss with respect to every parameter, laid out like the parameters.
    let parameterGradients: UnsafeMutableBufferPointer<Float>
    /// The batch's class labels.
    let labels: UnsafeMutablePointer<Int32>
    /// The batch's regression targets (`capacity × outputs`).
    let targets: UnsafeMutablePointer<Float>
    /// True while every weight gradient in `parameterGradients` is +0 (after allocation, and after an optimizer step
    /// that cleared them): `backward` and the split step's `updateWeights` then accumulate the weight products onto
    /// them (sgemm with β = 1), which skips OpenBLAS's pass that zeroes C for β = 0 and gives the same bits (0 + x =
    /// x, and the kernel adds to C either way). `backward` leaves it false; the split step sets it after each
    /// update to whether the optimizer cleared the gradients.
    var weightGradientsAreZero = true
    private var owned: [UnsafeMutableRawPointer] = []

    init(network: NeuralNetwork, capacity: Int, training: Bool) {
        self.capacity = capacity
        self.layouts = network.layouts
        self.head = network.head
        var owned: [UnsafeMutableRawPointer] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            owned.append(UnsafeMutableRawPointer(p))
            return p
        }
        let inputBuffer = make(capacity * network.inputCount)
        input = inputBuffer
        spareInput = training ? make(capacity * network.inputCount) : inputBuffer
        var outputs: [UnsafeMutablePointer<Float>] = []
        var pre: [UnsafeMutablePointer<Float>] = []
        var dropped: [UnsafeMutablePointer<Float>] = []
        var masks: [UnsafeMutablePointer<Float>] = []
        var gradients: [UnsafeMutablePointer<Float>] = []
        for layout in network.layouts {
            let size = capacity * layout.outputs
            let out = make(size)
            outputs.append(out)
            pre.append(layout.activation.needsPreActivation ? make(size) : out)
            let hasDropout = training && layout.dropout > 0
            dropped.append(hasDropout ? make(size) : out)
            masks.append(hasDropout ? make(size) : out)
            gradients.append(training ? make(size) : out)
        }
        self.outputs = outputs
        self.preActivations = pre
        self.dropped = dropped
        self.masks = masks
        self.gradients = gradients
        let gradientCount = training ? network.parameters.count : 0
        parameterGradients = UnsafeMutableBufferPointer(start: make(gradientCount), count: gradientCount)
        let labelPointer = UnsafeMutablePointer<Int32>.allocate(capacity: max(capacity, 1))
        labelPointer.initialize(repeating: 0, count: max(capacity, 1))
        owned.append(UnsafeMutableRawPointer(labelPointer))
        labels = labelPointer
        targets = make(capacity * network.head.outputCount)
        self.owned = owned
    }

    deinit {
        for pointer in owned { pointer.deallocate() }
    }

    /// Copies rows `order[start..<start + count]` of the dataset into the batch buffers (shuffled gather).
    func gather(
        _ dataset: Dataset, order: UnsafePointer<Int32>, start: Int, count: Int,
        parallel: ParallelLoop = ParallelLoop(threads: 1)
    ) {
        let width = dataset.featureCount
        let input = input
        // Split by rows when the batch is large enough to be worth a hand-off (counted in elements).
        let rowsPerUnit = max(1, parallel.minimumCount / max(width, 1))
        ParallelLoop(threads: parallel.threads, minimumCount: 2 * rowsPerUnit).run(count: count) { rows in
            Workspace.copyRows(dataset, order: order, start: start, rows: rows, into: input)
        }
        switch dataset.targets {
        case .classes(let all, _):
            all.withUnsafeBufferPointer { src in
                for r in 0..<count { labels[r] = src[Int(order[start + r])] }
            }
        case .values(let values):
            let k = values.columns
            values.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                for r in 0..<count {
                    (targets + r * k).update(from: base + Int(order[start + r]) * k, count: k)
                }
            }
        }
    }

    /// Starts loading the pixel rows `order[start..<start + count]` into the CPU's caches (8-bit datasets only), so
    /// that their gather later finds them there. Changes nothing observable.
    func prefetch(_ dataset: Dataset, order: UnsafePointer<Int32>, start: Int, count: Int) {
        guard let bytes = dataset.bytes, count > 0 else { return }
        bytes.values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            swept_prefetch_rows(base, dataset.featureCount, order + start, count)
        }
    }

    /// Exchanges `input` and `spareInput` (after the next batch was gathered into the spare buffer).
    func swapInputs() {
        swap(&input, &spareInput)
    }

    /// Copies the batch rows `rows` (positions within the batch) of the batch that starts at `order[start]` into
    /// `buffer`, and their labels or targets into `labels` / `targets`. Threads may gather disjoint row ranges.
    func gather(
        _ dataset: Dataset, order: UnsafePointer<Int32>, start: Int, rows: Range<Int>,
        into buffer: UnsafeMutablePointer<Float>
    ) {
        Workspace.copyRows(dataset, order: order, start: start, rows: rows, into: buffer)
        switch dataset.targets {
        case .classes(let all, _):
            all.withUnsafeBufferPointer { src in
                for r in rows { labels[r] = src[Int(order[start + r])] }
            }
        case .values(let values):
            let k = values.columns
            values.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                for r in rows {
                    (targets + r * k).update(from: base + Int(order[start + r]) * k, count: k)
                }
            }
        }
    }

    /// Copies the feature rows `order[start + r]` for `r` in `rows` to rows `r` of `buffer`: from the 8-bit pixels
    /// when the dataset has them (converted as the features were), else from the features.
    private static func copyRows(
        _ dataset: Dataset, order: UnsafePointer<Int32>, start: Int, rows: Range<Int>,
        into buffer: UnsafeMutablePointer<Float>
    ) {
        let width = dataset.featureCount
        if let bytes = dataset.bytes {
            let scale = bytes.scale
            bytes.values.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                // The C gather prefetches a few rows ahead, so the random row reads overlap.
                swept_gather_bytes(
                    base, width, order + start + rows.lowerBound, rows.count, scale, buffer + rows.lowerBound * width)
            }
            return
        }
        dataset.features.withUnsafeBufferPointer { features in
            guard let base = features.baseAddress else { return }
            for r in rows {
                (buffer + r * width).update(from: base + Int(order[start + r]) * width, count: width)
            }
        }
    }

    /// Forward pass over `rows` rows already in `input`. With `dropoutGenerator` set, hidden dropout is applied.
    /// Leaves the logits (or linear outputs) in `outputs.last`.
    func forward(
        parameters: UnsafePointer<Float>, rows: Int, dropoutGenerator: UnsafeMutablePointer<SeededGenerator>?
    ) {
        var current = UnsafePointer(input)
        for (index, layout) in layouts.enumerated() {
            let z = preActivations[index]
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: rows, n: layout.outputs, k: layout.inputs, alpha: 1,
                a: current, lda: layout.inputs, b: parameters + layout.weightOffset, ldb: layout.outputs,
                beta: 0, c: z, ldc: layout.outputs)
            ActivationKernels.forward(
                layout.activation, z: z, bias: parameters + layout.biasOffset, a: outputs[index], rows: rows,
                columns: layout.outputs)
            if let generator = dropoutGenerator, layout.dropout > 0 {
                applyDropout(layer: index, count: rows * layout.outputs, generator: generator)
                current = UnsafePointer(dropped[index])
            } else {
                current = UnsafePointer(outputs[index])
            }
        }
    }

    private func applyDropout(layer index: Int, count: Int, generator: UnsafeMutablePointer<SeededGenerator>) {
        let p = layouts[index].dropout
        let keepScale = 1 / (1 - p)
        let mask = masks[index]
        let a = outputs[index]
        let out = dropped[index]
        for i in 0..<count {
            mask[i] = generator.pointee.nextUnitFloat() < p ? 0 : keepScale
        }
        for i in 0..<count { out[i] = a[i] * mask[i] }
    }

    /// Backward pass after `forward` and `LossKernels.lossAndGradient` filled the last layer's gradient.
    /// Fills `parameterGradients` (mean over the batch; no weight decay).
    func backward(parameters: UnsafePointer<Float>, rows: Int, dropoutActive: Bool) {
        let grads = parameterGradients.baseAddress ?? UnsafeMutablePointer<Float>(mutating: parameters)
        let weightBeta: Float = weightGradientsAreZero ? 1 : 0
        weightGradientsAreZero = false
        var index = layouts.count - 1
        while index >= 0 {
            let layout = layouts[index]
            let g = gradients[index]
            let layerInput: UnsafePointer<Float>
            if index == 0 {
                layerInput = UnsafePointer(input)
            } else if dropoutActive, layouts[index - 1].dropout > 0 {
                layerInput = UnsafePointer(dropped[index - 1])
            } else {
                layerInput = UnsafePointer(outputs[index - 1])
            }
            // dW = inputᵀ · dZ, without materializing the transpose.
            BLAS.sgemm(
                transposeA: true, transposeB: false, m: layout.inputs, n: layout.outputs, k: rows, alpha: 1,
                a: layerInput, lda: layout.inputs, b: g, ldb: layout.outputs, beta: weightBeta,
                c: grads + layout.weightOffset, ldc: layout.outputs)
            ElementwiseKernels.columnSums(g, rows: rows, columns: layout.outputs, into: grads + layout.biasOffset)
            if index > 0 {
                let previous = layouts[index - 1]
                let gp = gradients[index - 1]
                // dA_prev = dZ · Wᵀ; the first layer needs no input gradient.
                BLAS.sgemm(
                    transposeA: false, transposeB: true, m: rows, n: previous.outputs, k: layout.outputs,
                    alpha: 1, a: g, lda: layout.outputs, b: parameters + layout.weightOffset, ldb: layout.outputs,
                    beta: 0, c: gp, ldc: previous.outputs)
                let count = rows * previous.outputs
                if dropoutActive, previous.dropout > 0 {
                    ElementwiseKernels.multiply(gp, by: masks[index - 1], count: count)
                }
                ActivationKernels.backward(
                    previous.activation, gradient: gp, a: outputs[index - 1], z: preActivations[index - 1],
                    count: count)
            }
            index -= 1
        }
    }
}
