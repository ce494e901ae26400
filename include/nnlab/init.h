/* nnlab/init.h: weight initialisers for dense layers (names as in Keras/PyTorch). */
#ifndef NNLAB_INIT_H
#define NNLAB_INIT_H

#include "export.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* NN_INIT_AUTO picks from the activation that follows the layer: He normal for the ReLU family,
 * LeCun normal for SELU, Xavier/Glorot uniform for sigmoid, tanh, identity and an output layer. */
typedef enum nn_init {
    NN_INIT_AUTO = 0,
    NN_INIT_XAVIER_UNIFORM, /* U(-a, a), a = sqrt(6 / (fan_in + fan_out)) */
    NN_INIT_XAVIER_NORMAL,  /* N(0, 2 / (fan_in + fan_out)) */
    NN_INIT_HE_UNIFORM,     /* U(-a, a), a = sqrt(6 / fan_in) */
    NN_INIT_HE_NORMAL,      /* N(0, 2 / fan_in) */
    NN_INIT_LECUN_NORMAL,   /* N(0, 1 / fan_in) */
    NN_INIT_ZEROS,
    /* The frameworks' defaults, weight and bias together, for recipes ported from them: */
    NN_INIT_TORCH, /* torch.nn.Linear: W and b ~ U(-a, a), a = 1 / sqrt(fan_in) (kaiming_uniform, a = sqrt(5)) */
    NN_INIT_KERAS, /* keras Dense: W ~ glorot_uniform (as XAVIER_UNIFORM), b = 0 */
    NN_INIT_COUNT
} nn_init;

/* Name of an initialiser ("xavier_uniform", "he_normal", ..., "torch", "keras", "auto"). Every initialiser but
 * torch sets the biases to 0. */
NN_API const char *nn_init_name(nn_init i);
/* Parse a name (also "glorot_uniform", "glorot_normal", "kaiming_uniform", "kaiming_normal").
 * Errors: NN_EINVAL naming the token and listing the valid names. */
NN_API nn_status nn_init_parse(const char *name, nn_init *out);

#ifdef __cplusplus
}
#endif
#endif
