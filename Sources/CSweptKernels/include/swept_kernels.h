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

/// Converts `n` doubles to floats into `dst`, fills `dst[n..<padded]` with `pad`, and returns the largest |x| of
/// the `n` floats as the integer maximum of their bit patterns without the sign (NaN if one is NaN; the infinity
/// pattern left out when `skip_infinity`), reinterpreted as a float.
float swept_pack_floats(const double *src, float *dst, long n, long padded, float pad, int skip_infinity);

/// The first index j < n − 1 with row[j] == value, else n − 1.
long swept_first_equal(const float *row, long n, float value);

/// Appends every j < n with row[j] > threshold: `listed` gets offset + j, `bounds` gets (double)row[j] + slack;
/// returns how many. `listed` and `bounds` have room for `capacity` entries (at least the n that may be listed;
/// with 16 more, runs of candidates are written without branches).
long swept_list_above(
    const float *row, long n, float threshold, double slack, long offset, int32_t *listed, double *bounds,
    long capacity);

/// The narrow-interval series of `TruncatedNormal.narrowSeries` (Sources/SweptTuning/TPE/TruncatedNormal.swift)
/// for `n` intervals: `out[i]` for centre `centers[i]` and width `widths[i]`, in the reference's operations and
/// order (no fused multiply-adds), so the same bits on every instruction set.
void swept_narrow_series(const double *centers, const double *widths, double *out, long n);

#endif
