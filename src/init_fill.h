/* init_fill.h: filling a weight array by an initialiser; shared by the dense and maxout layers. */
#ifndef NNLAB_INIT_FILL_H
#define NNLAB_INIT_FILL_H

#include "internal.h"

/* Fill w[0..n) by init (which must not be NN_INIT_AUTO) for a layer of the given fans. */
void nn_init_fill(nn_real *w, size_t n, nn_init init, int fan_in, int fan_out, nn_rng *rng);

#endif
