/* nnlab.h: the one header a user includes; it pulls in the whole public API of libnnlab. */
#ifndef NNLAB_H
#define NNLAB_H

#include <nnlab/config.h>
#include "nnlab/error.h"
#include "nnlab/tensor.h"
#include "nnlab/rng.h"
#include "nnlab/init.h"
#include "nnlab/activation.h"
#include "nnlab/model.h"
#include "nnlab/optim.h"
#include "nnlab/data.h"
#include "nnlab/train.h"
#include "nnlab/blas.h"
#include "nnlab/atomic.h"

#endif
