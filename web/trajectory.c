/* web/trajectory.c: a few short playground runs, every batch loss and the layer read-outs printed in full
 * precision, so that the WebAssembly build (run by Node.js) and a native double build can be compared number by
 * number (tests/web/same_numbers.sh). */
#include <stdio.h>
#include "playground.h"

int main(void)
{
    static const struct {
        const char *data, *arch, *loss, *opt;
        int n, classes, batch, epochs;
    } runs[] = {
        {"moons", "dense:16,relu,dense:16,relu", "softmax-xent", "adam:lr=0.01", 200, 2, 32, 3},
        {"spirals", "dense:12,tanh,maxout:8:k=2,prelu", "softmax-xent", "sgd:lr=0.1,momentum=0.9", 150, 3, 16, 2},
        {"circles", "dense:8,selu,dense:8,srelu", "sigmoid-bce", "rmsprop:lr=0.01", 120, 2, 20, 2},
    };
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        pg *p = pg_new(runs[r].data, runs[r].n, runs[r].classes, 0.1, runs[r].arch, runs[r].loss, runs[r].opt,
                       runs[r].batch, 1);
        if (!p) {
            fprintf(stderr, "trajectory: %s\n", pg_errmsg());
            return 1;
        }
        for (int b = 0; pg_epochs(p) < runs[r].epochs; b++) printf("%s %d %.17g\n", runs[r].data, b, pg_step(p, 1));
        printf("%s loss %.17g accuracy %.17g\n", runs[r].data, pg_loss(p), pg_accuracy(p));
        if (pg_stats(p) != 0) {
            fprintf(stderr, "trajectory: %s\n", pg_errmsg());
            return 1;
        }
        for (int i = 0; i < pg_layers(p); i++)
            printf("%s layer %d %s dead %d gradnorm %.17g\n", runs[r].data, i, pg_layer_spec(p, i), pg_layer_dead(p, i),
                   pg_layer_gradnorm(p, i));
        for (int i = 0; i < pg_layers(p); i++)
            for (int grads = 0; grads < 2; grads++) {
                if (pg_hist(p, i, grads, 8) != 0) {
                    fprintf(stderr, "trajectory: histogram of layer %d\n", i);
                    return 1;
                }
                printf("%s layer %d %s %.17g %.17g", runs[r].data, i, grads ? "grads" : "values", pg_hist_lo(p),
                       pg_hist_hi(p));
                for (int b = 0; b < 8; b++) printf(" %d", pg_hist_count(p, b));
                putchar('\n');
            }
        if (!pg_trace(p, 0, 0.1)) {
            fprintf(stderr, "trajectory: %s\n", pg_errmsg());
            return 1;
        }
        printf("%s trace of point 0 loss %.17g\n", runs[r].data, pg_trace_loss(p));
        pg_free(p);
    }
    /* The worked logistic-regression example (examples/binary.c): w = (-1, 2), b = -2 on three points; its
     * losses are 0.018150, 0.126928 and 1.313262. */
    pg *p = pg_new("points:2,4,1;2,1,0;3,3,0", 0, 0, 0, "", "sigmoid-bce", "sgd:lr=0.1", 3, 1);
    if (!p || pg_set_params(p, "-1,2,-2") != 0) {
        fprintf(stderr, "trajectory: %s\n", pg_errmsg());
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        if (!pg_trace(p, i, 0.1)) {
            fprintf(stderr, "trajectory: %s\n", pg_errmsg());
            return 1;
        }
        printf("logistic trace %c loss %.17g\n", "ABC"[i], pg_trace_loss(p));
    }
    pg_free(p);
    return 0;
}
