/* nnlab/tensor.h: the row-major 2-D tensor (rows = batch) that carries every batch through the model. */
#ifndef NNLAB_TENSOR_H
#define NNLAB_TENSOR_H

#include "export.h"
#include <stddef.h>
#include <nnlab/config.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* data holds rows*cols reals, row-major; cap is the allocated element count, so that a
 * smaller batch reuses the buffer of a larger one without reallocating. */
typedef struct nn_tensor {
    int rows, cols;
    size_t cap;
    nn_real *data;
} nn_tensor;

/* A rows x cols tensor of zeros; the caller owns it (nn_tensor_free). NULL on bad shape or no memory. */
NN_API nn_tensor *nn_tensor_new(int rows, int cols);
/* Frees t and its data; NULL is fine. */
NN_API void nn_tensor_free(nn_tensor *t);
/* Reshape to rows x cols, growing the buffer only when rows*cols exceeds cap (contents then undefined).
 * Errors: NN_ESHAPE on negative sizes, NN_ENOMEM. Works on a zero-initialised struct too. */
NN_API nn_status nn_tensor_resize(nn_tensor *t, int rows, int cols);
/* Releases the buffer of a tensor embedded in another struct (not the struct itself). */
NN_API void nn_tensor_release(nn_tensor *t);
/* Pointer to row r. */
static inline nn_real *nn_tensor_row(const nn_tensor *t, int r) { return t->data + (size_t)r * (size_t)t->cols; }

#ifdef __cplusplus
}
#endif
#endif
