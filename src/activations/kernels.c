/* kernels.c: the table of activation records (built from NN_ACT_LIST and defs.h) and nn_act_forward / nn_act_backward / nn_act_eval, which run a record's loops. */
#include "defs.h"

static const nn_act_record *const records[NN_ACT_COUNT] = {
#define RECORD(ID, name) [NN_ACT_##ID] = &name##_record,
    NN_ACT_LIST(RECORD)
#undef RECORD
};

const nn_act_record *nn_act_record_of(nn_act_id id) { return records[id]; }

const nn_act_info *nn_act_info_of(nn_act_id id)
{
    if ((int)id < 0 || id >= NN_ACT_COUNT) return NULL;
    return &records[id]->info;
}

void nn_act_forward(const nn_act *a, const nn_real *x, nn_real *y, size_t n)
{
    if ((int)a->id < 0 || a->id >= NN_ACT_COUNT) return;
    records[a->id]->forward(a->p, x, y, n);
}

void nn_act_backward(const nn_act *a, const nn_real *x, const nn_real *y, const nn_real *dy, nn_real *dx, size_t n)
{
    if ((int)a->id < 0 || a->id >= NN_ACT_COUNT) return;
    records[a->id]->backward(a->p, x, y, dy, dx, n);
}

nn_real nn_act_eval(const nn_act *a, nn_real x, nn_real *dfdx)
{
    nn_real y, one = 1;
    nn_act_forward(a, &x, &y, 1);
    if (dfdx) nn_act_backward(a, &x, &y, &one, dfdx, 1);
    return y;
}
