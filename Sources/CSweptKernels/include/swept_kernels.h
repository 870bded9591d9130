#ifndef SWEPT_KERNELS_H
#define SWEPT_KERNELS_H

#include <stdint.h>

/// TPE scoring's bound pass for one candidate over one packed block of components (see
/// Sources/SweptTuning/TPE/TPEMixture+Block.swift for the layout): writes `padded` float bounds to `row` and
/// returns their maximum (-inf for none). `padded` is a multiple of 8. The arithmetic is the Swift reference's,
/// operation for operation, without contraction into fused multiply-adds, so every instruction set gives the
/// same bits; only the vector width differs (chosen at run time: AVX-512, AVX2 or the x86-64 baseline).
float swept_tpe_bound_row(
    const float *block, long width, long padded, long continuous, long discrete, const float *scalars,
    const int32_t *block_choices, long categorical, const int32_t *choices, const float *hits,
    const float *misses, float *row);

#endif
