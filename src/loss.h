/* loss.h: the fused loss heads (softmax-xent, sigmoid-bce, mse) over a batch of outputs; internal. */
#ifndef NNLAB_LOSS_H
#define NNLAB_LOSS_H

#include "internal.h"

/* Mean loss of outputs z (rows x cols) against targets y into *loss (double accumulation), the
 * gradient dL/dz into dz when not NULL (rows x cols), and the count of correctly classified rows into
 * *correct when not NULL. Errors: NN_EINVAL naming the row of a target out of range. */
nn_status nn_loss_eval(nn_loss kind, const nn_tensor *z, const nn_real *y, nn_tensor *dz, double *loss,
                       int *correct);
/* nn_loss_predict is public (nnlab/model.h). */

#endif
