/* consumer.c: a program outside the project that uses the installed libnnlab (packaging test). */
#include <stdio.h>
#include <nnlab.h>

int main(void)
{
    nn_model *m = nn_model_from_spec(2, "dense:4,relu,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    if (!m) {
        fprintf(stderr, "%s\n", nn_errmsg());
        return 1;
    }
    nn_real x[2] = {0.5, -1};
    int cls;
    if (nn_model_predict(m, x, 1, &cls, NULL) != NN_OK) return 1;
    printf("nnlab %s: %zu parameters, class %d\n", NNLAB_VERSION_STRING, nn_model_nparams(m), cls);
    nn_model_free(m);
    return 0;
}
