/* tensor.c: allocation and resizing of the 2-D tensor; a buffer only grows, so steady-state steps never allocate. */
#include <stdlib.h>
#include "internal.h"

nn_status nn_tensor_resize(nn_tensor *t, int rows, int cols)
{
    if (rows < 0 || cols < 0) return nn_fail(NN_ESHAPE, "tensor shape %d x %d is negative", rows, cols);
    size_t need = (size_t)rows * (size_t)cols;
    if (need > t->cap) {
        /* 64-byte alignment lets the compiler and OpenBLAS use aligned vector loads. */
        size_t bytes = (need * sizeof(nn_real) + 63) & ~(size_t)63;
        nn_real *d = aligned_alloc(64, bytes);
        if (!d) return nn_fail(NN_ENOMEM, "out of memory for a %d x %d tensor", rows, cols);
        free(t->data);
        t->data = d;
        t->cap = need;
    }
    t->rows = rows;
    t->cols = cols;
    return NN_OK;
}

nn_tensor *nn_tensor_new(int rows, int cols)
{
    nn_tensor *t = nn_calloc(1, sizeof *t);
    if (!t) return NULL;
    if (nn_tensor_resize(t, rows, cols) != NN_OK) {
        free(t);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) t->data[i] = 0;
    return t;
}

void nn_tensor_release(nn_tensor *t)
{
    if (!t) return;
    free(t->data);
    t->data = NULL;
    t->cap = 0;
    t->rows = t->cols = 0;
}

void nn_tensor_free(nn_tensor *t)
{
    nn_tensor_release(t);
    free(t);
}
