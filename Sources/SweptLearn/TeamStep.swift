/// A training step split over a `ThreadTeam`, each thread calling single-threaded sgemm on its share.
///
/// Phase 0 splits the first layer's product along its inputs: each part multiplies its columns of the batch by the
/// rows of the first weight matrix that it updates itself in phase 2, so the weights (and their moments) stay with
/// the thread that writes them. Phase 1 splits the batch by rows: each part adds the phase-0 products for its rows
/// (in part order) and runs them through the rest of the forward pass, the loss and the row-local part of the
/// backward pass (`dA = dZ · Wᵀ` and the activation derivative), all on data it just wrote. Phase 2 splits each
/// layer's weight matrix by input rows: each part computes its rows of `dW = Aᵀ · dZ` a tile of rows at a time and
/// updates each tile while its gradient is in cache, takes the bias of every `parts`-th layer, and gathers
/// its rows of the next batch into the spare input buffer. The split depends only on the thread count, so a fixed
/// thread count gives bit-identical runs; a different count adds the first layer's products in a different order.
extension Workspace {
    /// The part of `0..<count` that part `part` of `parts` handles: contiguous, on multiples of 8 rows.
    static func share(of count: Int, part: Int, parts: Int) -> Range<Int> {
        let chunk = ((count + parts - 1) / parts + 7) / 8 * 8
        let lower = min(part * chunk, count)
        return lower..<min(lower + chunk, count)
    }

    /// Rows per product for a `rows × width` result over `depth`: the first of `candidates` that OpenBLAS multiplies
    /// on its small-matrix path (no packing; its x86-64 kernels take it when rows · width · depth ≤ 10⁶), or nil.
    /// Elsewhere nil: a piece on the packed path costs more than one whole product.
    ///
    /// Phase 0 multiplies 16 or 8 batch rows at a time; phase 2 computes 24, 16 or 8 rows of a weight gradient at a
    /// time and updates them while the tile is in the first-level cache (an mlp-100 tile is 9.6 KB). Alternated
    /// epoch by epoch with one product per share, each made the epochs faster (docs/learn.md).
    static func smallProductRows(width: Int, depth: Int, candidates: [Int]) -> Int? {
        #if arch(x86_64)
        return candidates.first { $0 * width * depth <= 1_000_000 }
        #else
        return nil
        #endif
    }

    /// Phase 1 over `rows` of a batch of `batchRows` rows in `input`: forward, loss gradient (divided by the whole
    /// batch) and the input gradients of every layer but the first. Returns the loss summed over `rows`.
    ///
    /// With `firstLayerPartials`, the first layer's pre-activations are the sum of those products (one per part of
    /// its inputs, added in order) instead of one product over all inputs.
    func forwardAndBackPropagate(
        parameters p: UnsafePointer<Float>, rows: Range<Int>, batchRows: Int,
        firstLayerPartials: [UnsafePointer<Float>]? = nil
    ) -> Double {
        let n = rows.count
        guard n > 0 else { return 0 }
        let r0 = rows.lowerBound
        var current = UnsafePointer(input + r0 * layouts[0].inputs)
        for (index, layout) in layouts.enumerated() {
            let width = layout.outputs
            let z = preActivations[index] + r0 * width
            let a = outputs[index] + r0 * width
            if index == 0, let partials = firstLayerPartials, let first = partials.first {
                let count = n * width
                z.update(from: first + r0 * width, count: count)
                for partial in partials.dropFirst() {
                    ElementwiseKernels.addScaled(1, partial + r0 * width, to: z, count: count)
                }
            } else {
                BLAS.sgemm(
                    transposeA: false, transposeB: false, m: n, n: width, k: layout.inputs, alpha: 1, a: current,
                    lda: layout.inputs, b: p + layout.weightOffset, ldb: width, beta: 0, c: z, ldc: width)
            }
            ActivationKernels.forward(
                layout.activation, z: z, bias: p + layout.biasOffset, a: a, rows: n, columns: width)
            current = UnsafePointer(a)
        }
        let last = layouts.count - 1
        let k = layouts[last].outputs
        let loss = LossKernels.lossAndGradient(
            head: head, logits: outputs[last] + r0 * k, labels: labels + r0, targets: targets + r0 * k, rows: n,
            batchRows: batchRows, gradient: gradients[last] + r0 * k)
        var index = last
        while index > 0 {
            let layout = layouts[index]
            let previous = layouts[index - 1]
            let g = gradients[index] + r0 * layout.outputs
            let gp = gradients[index - 1] + r0 * previous.outputs
            BLAS.sgemm(
                transposeA: false, transposeB: true, m: n, n: previous.outputs, k: layout.outputs, alpha: 1, a: g,
                lda: layout.outputs, b: p + layout.weightOffset, ldb: layout.outputs, beta: 0, c: gp,
                ldc: previous.outputs)
            ActivationKernels.backward(
                previous.activation, gradient: gp, a: outputs[index - 1] + r0 * previous.outputs,
                z: preActivations[index - 1] + r0 * previous.outputs, count: n * previous.outputs)
            index -= 1
        }
        return loss
    }

    /// Phase 0 for part `part` of `parts`: the product of the batch's columns `span` of the first layer's inputs with
    /// the same rows of its weights (the rows this part updates in phase 2), into `partial` (`batchRows × outputs`),
    /// a few batch rows at a time (`smallProductRows`).
    func firstLayerPartial(
        parameters p: UnsafePointer<Float>, span: Range<Int>, batchRows: Int, into partial: UnsafeMutablePointer<Float>
    ) {
        let layout = layouts[0]
        let width = layout.outputs
        let tile = Workspace.smallProductRows(width: width, depth: span.count, candidates: [16, 8]) ?? batchRows
        var row = 0
        while row < batchRows {
            let rows = min(tile, batchRows - row)
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: rows, n: width, k: span.count, alpha: 1,
                a: input + row * layout.inputs + span.lowerBound, lda: layout.inputs,
                b: p + layout.weightOffset + span.lowerBound * width, ldb: width, beta: 0, c: partial + row * width,
                ldc: width)
            row += rows
        }
    }

    /// Phase 2 for part `part` of `parts`: its rows of every layer's weight gradient and their optimizer update,
    /// then the bias gradient and update of layers `part`, `part + parts`, …
    ///
    /// With `accumulate`, the weight gradients are +0 on entry (see `weightGradientsAreZero`) and sgemm adds onto
    /// them (β = 1, no zeroing pass, same bits); with `clear`, the optimizer leaves them +0 again.
    func updateWeights(
        batchRows: Int, part: Int, parts: Int, optimizer: OptimizerRanges, learningRate: Float, step: Int,
        accumulate: Bool, clear: Bool
    ) {
        guard let grads = parameterGradients.baseAddress else { return }
        for (index, layout) in layouts.enumerated() {
            let width = layout.outputs
            let span = Workspace.share(of: layout.inputs, part: part, parts: parts)
            let layerInput = index == 0 ? input : outputs[index - 1]
            let tile = Workspace.smallProductRows(width: width, depth: batchRows, candidates: [24, 16, 8])
                ?? span.count
            var row = span.lowerBound
            while row < span.upperBound {
                // dW[rows, :] = A[:, rows]ᵀ · dZ over the whole batch, a tile of rows at a time, each tile's
                // parameters updated while its gradient is still in the first-level cache.
                let rows = min(tile, span.upperBound - row)
                let first = layout.weightOffset + row * width
                BLAS.sgemm(
                    transposeA: true, transposeB: false, m: rows, n: width, k: batchRows, alpha: 1,
                    a: layerInput + row, lda: layout.inputs, b: gradients[index], ldb: width,
                    beta: accumulate ? 1 : 0, c: grads + first, ldc: width)
                optimizer.update(
                    first, first + rows * width, decays: true, learningRate: learningRate, step: step,
                    clearGradient: clear)
                row += rows
            }
            if index % parts == part {
                ElementwiseKernels.columnSums(
                    gradients[index], rows: batchRows, columns: width, into: grads + layout.biasOffset)
                optimizer.update(
                    layout.biasOffset, layout.end, decays: false, learningRate: learningRate, step: step)
            }
        }
    }
}

extension Trainer {
    /// The most floats the split step's per-part products of the first layer may take (64 MB).
    static let maximumPartialFloats = 16 << 20

    /// What one epoch of training steps produced.
    struct EpochSteps {
        var lossSum: Double = 0
        var diverged = false
        var learningRate: Float
    }

    /// One epoch of steps on `team`, without dropout: the batch's forward and backward passes split by rows, the
    /// weight gradients and optimizer update split by parameter rows, the next batch gathered alongside.
    /// OpenBLAS runs single-threaded inside (every team thread calls it); the caller restores its thread count.
    func teamEpoch(
        team: ThreadTeam, workspace: Workspace, training: Dataset, order: UnsafePointer<Int32>,
        parameters: UnsafeMutablePointer<Float>, optimizer: inout OptimizerState, step: inout Int,
        stepsPerEpoch: Int, totalSteps: Int
    ) -> EpochSteps {
        let config = configuration
        let parts = team.parts
        let clears = optimizer.clearsGradients
        let rowCount = training.rowCount
        let batchSize = min(config.batchSize, rowCount)
        var result = EpochSteps(learningRate: config.learningRate)
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: parts)
        defer { partial.deallocate() }
        BLAS.setThreadCountUnchecked(1)
        let firstRows = min(batchSize, rowCount)
        team.run { part in
            workspace.gather(
                training, order: order, start: 0, rows: Workspace.share(of: firstRows, part: part, parts: parts),
                into: workspace.input)
        }
        // The first layer's product split along its inputs: part q multiplies input columns `spans[q]` by the
        // weight rows it updates itself, so each thread keeps reading the weights it wrote.
        let firstWidth = workspace.layouts[0].outputs
        let spans = (0..<parts).map { Workspace.share(of: workspace.layouts[0].inputs, part: $0, parts: parts) }
        // (Not when the per-part products would take more than `maximumPartialFloats`: a huge batch or layer keeps
        // one product over all inputs per row share instead.)
        let splitFirst = spans.filter { !$0.isEmpty }.count > 1
            && parts * batchSize * firstWidth <= Self.maximumPartialFloats
        let partialBuffer = UnsafeMutablePointer<Float>.allocate(
            capacity: splitFirst ? parts * batchSize * firstWidth : 1)
        defer { partialBuffer.deallocate() }
        let partials = (0..<parts).filter { !spans[$0].isEmpty }.map {
            UnsafePointer(partialBuffer + $0 * batchSize * firstWidth)
        }
        var start = 0
        while start < rowCount {
            let rows = min(batchSize, rowCount - start)
            if splitFirst {
                team.run { part in
                    guard !spans[part].isEmpty else { return }
                    workspace.firstLayerPartial(
                        parameters: parameters, span: spans[part], batchRows: rows,
                        into: partialBuffer + part * batchSize * firstWidth)
                }
            }
            // Each part starts loading its share of the next batch's pixel rows into the shared cache levels, so
            // that phase 2's gather (by whichever thread claims that part) finds them there.
            let next = start + rows
            let nextRows = min(batchSize, rowCount - next)
            team.run { part in
                if nextRows > 0 {
                    let share = Workspace.share(of: nextRows, part: part, parts: parts)
                    workspace.prefetch(training, order: order, start: next + share.lowerBound, count: share.count)
                }
                partial[part] = workspace.forwardAndBackPropagate(
                    parameters: parameters, rows: Workspace.share(of: rows, part: part, parts: parts),
                    batchRows: rows, firstLayerPartials: splitFirst ? partials : nil)
            }
            var loss: Double = 0
            for part in 0..<parts { loss += partial[part] }
            guard loss.isFinite else {
                result.diverged = true
                return result
            }
            result.lossSum += loss
            let learningRate = config.schedule.rate(
                base: config.learningRate, step: step, stepsPerEpoch: stepsPerEpoch, totalSteps: totalSteps)
            result.learningRate = learningRate
            let t = optimizer.advance()
            let gradients = workspace.parameterGradients.baseAddress ?? parameters
            let accumulate = workspace.weightGradientsAreZero
            optimizer.withRanges(parameters: parameters, gradients: gradients) { ranges in
                team.run { part in
                    workspace.updateWeights(
                        batchRows: rows, part: part, parts: parts, optimizer: ranges, learningRate: learningRate,
                        step: t, accumulate: accumulate, clear: clears)
                    if nextRows > 0 {
                        workspace.gather(
                            training, order: order, start: next,
                            rows: Workspace.share(of: nextRows, part: part, parts: parts),
                            into: workspace.spareInput)
                    }
                }
            }
            workspace.weightGradientsAreZero = clears
            workspace.swapInputs()
            step += 1
            start = next
        }
        return result
    }
}
