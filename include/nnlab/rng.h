/* nnlab/rng.h: the library's one seeded random generator (xoshiro256** seeded through splitmix64). */
#ifndef NNLAB_RNG_H
#define NNLAB_RNG_H

#include "export.h"
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Plain value type: copy it to fork a stream; the same seed gives the same sequence on every platform. */
typedef struct nn_rng { uint64_t s[4]; } nn_rng;

/* Seed the generator (any 64-bit value, 0 included). */
NN_API void nn_rng_seed(nn_rng *r, uint64_t seed);
/* Next 64 random bits. */
NN_API uint64_t nn_rng_next(nn_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
NN_API double nn_rng_uniform(nn_rng *r);
/* Uniform integer in [0, n) without modulo bias; n must be > 0. */
NN_API uint32_t nn_rng_below(nn_rng *r, uint32_t n);
/* Standard normal deviate (Box-Muller; consumes two uniforms per call, keeps no cache). */
NN_API double nn_rng_normal(nn_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
NN_API void nn_rng_shuffle(nn_rng *r, int *idx, size_t n);

#ifdef __cplusplus
}
#endif
#endif
