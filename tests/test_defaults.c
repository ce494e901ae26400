/* test_defaults.c: the CLI's default recipe (CLI_DEFAULT_OPT, CLI_DEFAULT_EPOCHS, standardised inputs, batch 32,
 * 20% validation) trains a 64-64 network on the bundled data sets with the activations of compare's suite:
 * no run diverges and every run clears its data set's floor. bench/defaults.sh measures the full grid (10 data
 * sets x 9 activations x 10 seeds, docs/defaults.md); this test trains a representative subset that stays
 * fast: the six small sets with a floor in the issue and checkerboard (the one where sigmoid learns slowest),
 * every activation on three or four of them, seeds rotating. digits (1797 rows, slow) is left to the script. */
#include <stdio.h>
#include <string.h>
#include "testutil.h"
#include "cli/cli.h"

/* Floors: the lowest final validation accuracy measured over 90 runs (docs/defaults.md), less a margin of
 * at least one validation row; checkerboard's stays above cli_diagnose_run's "at chance" (0.55). */
static const struct {
    const char *name;
    double floor; /* measured minimum in the comment */
} sets[] = {
    {"moons", 0.9},          /* 0.983 */
    {"circles", 0.9},        /* 0.917 */
    {"spirals", 0.85},       /* 0.900 */
    {"iris", 0.85},          /* 0.900 */
    {"wine", 0.85},          /* 0.917 */
    {"breast_cancer", 0.9},  /* 0.930 */
    {"checkerboard", 0.58},  /* 0.633 (sigmoid) */
};

static const char *const acts[] = {"relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid"};

/* One run as `nnlab train --data NAME --arch dense:64,ACT,dense:64,ACT,dense:K --val 0.2 --seed SEED` does
 * it: split, standardisation fitted on the training part, the default optimizer and epochs. */
static double train_default(const nn_dataset *d, const char *act, uint64_t seed, nn_status *st)
{
    nn_dataset *tr, *va;
    ck_assert_int_eq(nn_dataset_split(d, 0.2, seed, &tr, &va), NN_OK);
    char arch[128];
    snprintf(arch, sizeof arch, "dense:64,%s,dense:64,%s,dense:%d", act, act, d->nclasses);
    nn_model *m = nn_model_from_spec(d->cols, arch, NN_LOSS_SOFTMAX_XENT, seed);
    ck_assert_msg(m != NULL, "%s", nn_errmsg());
    nn_real mean[64], std[64];
    ck_assert(d->cols <= 64);
    nn_dataset_fit_standardize(tr, mean, std);
    ck_assert_int_eq(nn_model_set_scaling(m, mean, std), NN_OK);
    nn_optim *o = nn_optim_parse(CLI_DEFAULT_OPT);
    ck_assert_msg(o != NULL, "%s", nn_errmsg());
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = CLI_DEFAULT_EPOCHS;
    f.batch_size = 32;
    f.seed = seed;
    f.val = va;
    *st = nn_fit(m, o, tr, &f, NULL);
    double acc = 0;
    if (*st == NN_OK) ck_assert_int_eq(nn_evaluate(m, va, 0, NULL, &acc), NN_OK);
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(tr);
    nn_dataset_free(va);
    return acc;
}

START_TEST(default_recipe_trains)
{
    const char *src = getenv("NNLAB_SOURCE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/data/%s.csv", src ? src : "..", sets[_i].name);
    nn_dataset *d = nn_dataset_load_csv(path, -1);
    ck_assert_msg(d != NULL, "%s", nn_errmsg());
    char bad[1024] = "";
    size_t n = 0;
    /* Every other activation per set, alternating: each activation trains on three or four of the seven sets. */
    for (int a = _i % 2; a < 9; a += 2) {
        uint64_t seed = 1 + (uint64_t)((a + 3 * _i) % 10);
        nn_status st;
        double acc = train_default(d, acts[a], seed, &st);
        if (st != NN_OK || acc < sets[_i].floor)
            n += (size_t)snprintf(bad + n, n < sizeof bad ? sizeof bad - n : 0, " %s seed %d: %s %.3f;", acts[a],
                                  (int)seed, st == NN_OK ? "val_acc" : "diverged", acc);
    }
    ck_assert_msg(!bad[0], "%s with %s, floor %.2f:%s", sets[_i].name, CLI_DEFAULT_OPT, sets[_i].floor, bad);
    nn_dataset_free(d);
}
END_TEST

static Suite *defaults_suite(void)
{
    Suite *s = suite_create("defaults");
    TCase *t = tcase_create("grid");
    tcase_set_timeout(t, 300);
    tcase_add_loop_test(t, default_recipe_trains, 0, (int)(sizeof sets / sizeof sets[0]));
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(defaults_suite)
