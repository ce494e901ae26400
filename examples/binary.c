/* binary.c: logistic regression by hand (z, sigmoid, cross-entropy for three points), then learned on two blobs. */
#include <math.h>
#include <stdio.h>
#include "nnlab.h"

int main(void)
{
    /* One dense unit with a sigmoid-BCE head is logistic regression: z = w1 x1 + w2 x2 + b. */
    nn_model *m = nn_model_from_spec(2, "dense:1", NN_LOSS_SIGMOID_BCE, 1);
    nn_real *p = m ? nn_model_params(m) : NULL; /* W (2 x 1), then b */
    if (!p) {
        fprintf(stderr, "binary: %s\n", nn_errmsg());
        return 1;
    }
    p[0] = -1, p[1] = 2, p[2] = -2;
    const char *names = "ABC";
    nn_real pts[3][2] = {{2, 4}, {2, 1}, {3, 3}}, labels[3] = {1, 0, 0};
    printf("w1 = -1, w2 = 2, b = -2\n");
    printf("point  x1  x2  y  z          a = sigmoid(z)  loss = -[y ln a + (1-y) ln(1-a)]\n");
    for (int i = 0; i < 3; i++) {
        const nn_tensor *z;
        double loss;
        nn_real prob[2];
        if (nn_model_forward(m, pts[i], 1, 0, &z) != NN_OK || nn_model_loss(m, &labels[i], &loss, NULL) != NN_OK ||
            nn_model_predict(m, pts[i], 1, NULL, prob) != NN_OK) {
            fprintf(stderr, "binary: %s\n", nn_errmsg());
            return 1;
        }
        printf("%c      %2.0f  %2.0f  %.0f  %-10.6f %-15.6f %.6f\n", names[i], (double)pts[i][0], (double)pts[i][1],
               (double)labels[i], (double)z->data[0], (double)prob[1], loss);
    }
    nn_model_free(m);

    /* Now learn w and b from two Gaussian blobs. */
    nn_dataset *d = nn_dataset_generate("blobs", 200, 2, 0.8, 3);
    m = nn_model_from_spec(2, "dense:1", NN_LOSS_SIGMOID_BCE, 1);
    nn_optim *o = nn_optim_parse("sgd:lr=0.1");
    nn_fit_opts opts = nn_fit_defaults();
    opts.epochs = 100;
    double acc;
    if (!d || !m || !o || nn_fit(m, o, d, &opts, NULL) != NN_OK || nn_evaluate(m, d, 0, NULL, &acc) != NN_OK) {
        fprintf(stderr, "binary: %s\n", nn_errmsg());
        return 1;
    }
    p = nn_model_params(m);
    double w1 = p[0], w2 = p[1], b = p[2];
    printf("\nlearned on two blobs (200 points): w1 = %.4f, w2 = %.4f, b = %.4f, accuracy %.1f%%\n", w1, w2, b,
           100 * acc);
    /* The line z = 0, solved for the coordinate z depends on most: these blobs differ along x1, so w2 is near 0. */
    if (w1 == 0 && w2 == 0) printf("no separating line: w1 = w2 = 0\n");
    else if (fabs(w2) >= fabs(w1)) printf("separating line: x2 = %.4f x1 + %.4f\n", -w1 / w2, -b / w2);
    else printf("separating line: x1 = %.4f x2 + %.4f\n", -w2 / w1, -b / w1);
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(d);
    return 0;
}
