/* init_fill.h: filling a layer's weights and biases by an initialiser; shared by the dense and maxout layers. */
#ifndef NNLAB_INIT_FILL_H
#define NNLAB_INIT_FILL_H

#include "internal.h"

/* Fill the weights w[0..nw) and biases b[0..nb) by init (which must not be NN_INIT_AUTO) for a layer of the given
 * fans; the weights are drawn first, as PyTorch does. */
void nn_init_fill(nn_real *w, size_t nw, nn_real *b, size_t nb, nn_init init, int fan_in, int fan_out, nn_rng *rng);

#endif
