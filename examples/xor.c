/* xor.c: a 2-8-1 network learns XOR and prints the truth table with its outputs. */
#include <stdio.h>
#include <string.h>
#include "nnlab.h"

int main(void)
{
    nn_real x[] = {0, 0, 0, 1, 1, 0, 1, 1}, y[] = {0, 1, 1, 0};
    nn_dataset *d = nn_dataset_new(4, 2);
    nn_model *m = nn_model_from_spec(2, "dense:8,tanh,dense:1", NN_LOSS_SIGMOID_BCE, 7);
    nn_optim *o = nn_optim_parse("sgd:lr=0.5,momentum=0.9");
    if (!d || !m || !o) {
        fprintf(stderr, "xor: %s\n", nn_errmsg());
        return 1;
    }
    memcpy(d->x, x, sizeof x);
    memcpy(d->y, y, sizeof y);
    d->nclasses = 2;

    nn_fit_opts opts = nn_fit_defaults();
    opts.epochs = 300;
    opts.batch_size = 4;
    double loss, acc;
    if (nn_fit(m, o, d, &opts, NULL) != NN_OK || nn_evaluate(m, d, 0, &loss, &acc) != NN_OK) {
        fprintf(stderr, "xor: %s\n", nn_errmsg());
        return 1;
    }

    nn_real probs[8];
    int cls[4];
    nn_model_predict(m, d->x, 4, cls, probs);
    printf("x1 x2 | xor | p(1)     predicted\n");
    for (int r = 0; r < 4; r++)
        printf("%2.0f %2.0f | %3.0f | %.6f %d\n", (double)x[2 * r], (double)x[2 * r + 1], (double)y[r],
               (double)probs[2 * r + 1], cls[r]);
    printf("loss %.6f, accuracy %.0f%%\n", loss, 100 * acc);
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(d);
    return acc == 1.0 ? 0 : 1;
}
