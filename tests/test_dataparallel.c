/* test_dataparallel.c: nn_fit's data-parallel hook, with workers as threads of this process: any number of
 * workers trains the same model as one plain run (to rounding: only the order of the sums differs). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>
#include "testutil.h"

#define MAXW 4
#define EPOCHS 4

/* An allreduce for threads: every worker publishes its buffers, then each sums all of them in worker order
 * into its own, so every worker computes the same sums in the same order. */
typedef struct group {
    int workers;
    pthread_barrier_t bar;
    nn_real *v[MAXW];
    double *sums[MAXW];
    size_t n;
    int nsums;
} group;

typedef struct worker {
    group *g;
    int rank;
    nn_real *acc;  /* private sum of the gradients */
    size_t cap;
    const char *arch, *opt;
    int batch, fail_rank;
    nn_dataset *train, *val;
    nn_history hist;
    nn_status st;
    char msg[256];
} worker;

static int thread_allreduce(nn_real *v, size_t n, double *sums, int nsums, void *user)
{
    worker *w = user;
    group *g = w->g;
    g->v[w->rank] = v, g->sums[w->rank] = sums;
    pthread_barrier_wait(&g->bar);
    double s[8] = {0};
    for (size_t i = 0; i < n; i++) {
        nn_real a = 0;
        for (int r = 0; r < g->workers; r++) a += g->v[r][i];
        w->acc[i] = a;
    }
    for (int k = 0; k < nsums; k++)
        for (int r = 0; r < g->workers; r++) s[k] += g->sums[r][k];
    pthread_barrier_wait(&g->bar); /* everyone has read everyone's buffers */
    if (n) memcpy(v, w->acc, n * sizeof *v);
    memcpy(sums, s, (size_t)nsums * sizeof *sums);
    return 0;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    nn_model *m = nn_model_from_spec(2, w->arch, NN_LOSS_SOFTMAX_XENT, 7);
    nn_optim *o = nn_optim_parse(w->opt);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(nn_model_fork_noise(m, (unsigned)w->rank), NN_OK);
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = EPOCHS;
    f.batch_size = w->batch;
    f.seed = 3;
    f.val = w->val;
    f.l2 = 1e-3;
    if (w->g) {
        f.workers = w->g->workers;
        f.rank = w->rank;
        f.reduce = thread_allreduce;
        f.reduce_user = w;
        w->cap = nn_model_nparams(m);
        w->acc = malloc(w->cap * sizeof *w->acc);
    }
    /* A worker that cannot train (here: data of the wrong width) still takes part in every reduction. */
    const nn_dataset *tr = w->rank == w->fail_rank ? w->val : w->train;
    nn_dataset *bad = NULL;
    if (w->rank == w->fail_rank) {
        bad = nn_dataset_new(w->train->rows, 3);
        tr = bad;
    }
    w->st = nn_fit(m, o, tr, &f, &w->hist);
    snprintf(w->msg, sizeof w->msg, "%s", nn_errmsg());
    nn_dataset_free(bad);
    free(w->acc);
    nn_optim_free(o);
    nn_model_free(m);
    return NULL;
}

/* Trains with `workers` threads (0: a plain run) and returns worker 0's history in *h. */
static void train(int workers, const char *arch, const char *opt, int batch, nn_dataset *tr, nn_dataset *va,
                  worker *out)
{
    group g = {.workers = workers};
    worker w[MAXW];
    pthread_t t[MAXW];
    int n = workers ? workers : 1;
    if (workers) pthread_barrier_init(&g.bar, NULL, (unsigned)workers);
    for (int r = 0; r < n; r++) {
        w[r] = (worker){.g = workers ? &g : NULL, .rank = r, .arch = arch, .opt = opt, .batch = batch,
                        .fail_rank = -1, .train = tr, .val = va};
        pthread_create(&t[r], NULL, run_worker, &w[r]);
    }
    for (int r = 0; r < n; r++) pthread_join(t[r], NULL);
    for (int r = 0; r < n; r++) {
        ck_assert_msg(w[r].st == NN_OK, "worker %d of %d: %s", r, workers, w[r].msg);
        ck_assert_int_eq(w[r].hist.n, EPOCHS);
        /* Every worker saw the same global numbers. */
        for (int e = 0; e < EPOCHS; e++) {
            ck_assert(w[r].hist.epochs[e].loss == w[0].hist.epochs[e].loss);
            ck_assert(w[r].hist.epochs[e].val_loss == w[0].hist.epochs[e].val_loss);
        }
        if (r) nn_history_free(&w[r].hist);
    }
    if (workers) pthread_barrier_destroy(&g.bar);
    *out = w[0];
}

#ifdef NNLAB_DOUBLE
#define TOL_DP 1e-12
#else
#define TOL_DP 1e-4
#endif

static void same_as_plain(const char *arch, const char *opt, int batch)
{
    nn_dataset *d = nn_dataset_generate("spirals", 150, 3, 0.1, 1), *tr, *va;
    ck_assert_int_eq(nn_dataset_split(d, 0.2, 1, &tr, &va), NN_OK);
    worker plain, dp;
    train(0, arch, opt, batch, tr, va, &plain);
    for (int workers = 1; workers <= MAXW; workers++) {
        train(workers, arch, opt, batch, tr, va, &dp);
        for (int e = 0; e < EPOCHS; e++) {
            const nn_epoch_stats *a = &dp.hist.epochs[e], *b = &plain.hist.epochs[e];
            ck_assert_msg(fabs(a->loss - b->loss) <= TOL_DP * fabs(b->loss), "%d workers, epoch %d: loss %.17g vs "
                          "%.17g", workers, e + 1, a->loss, b->loss);
            ck_assert_msg(fabs(a->val_loss - b->val_loss) <= TOL_DP * fabs(b->val_loss), "%d workers, epoch %d",
                          workers, e + 1);
            /* A point on the decision boundary may flip with the last bit of the sums: up to two of the 120
             * training and 30 validation rows may differ. */
            ck_assert(fabs(a->acc - b->acc) <= 2.0 / 120 + 1e-9 && fabs(a->val_acc - b->val_acc) <= 2.0 / 30 + 1e-9);
        }
        nn_history_free(&dp.hist);
    }
    nn_history_free(&plain.hist);
    nn_dataset_free(d), nn_dataset_free(tr), nn_dataset_free(va);
}

/* 120 training rows in batches of 32: the last batch has 24 rows, so shares differ between workers. */
START_TEST(sgd_momentum_equals_plain) { same_as_plain("dense:16,tanh,dense:3", "sgd:lr=0.1,momentum=0.9", 32); }
END_TEST

START_TEST(adam_equals_plain) { same_as_plain("dense:16,relu,dense:16,elu,dense:3", "adam:lr=0.01", 32); }
END_TEST

/* Batches of 3 rows over 4 workers: one worker has no rows in every batch. */
START_TEST(fewer_rows_than_workers) { same_as_plain("dense:8,relu,dense:3", "sgd:lr=0.05", 3); }
END_TEST

/* n workers on moons, 16 rows a batch, worker fail_rank with data of the wrong width, worker odd_rank with
 * batches of 8: each worker's status and message in w[]. */
static void run_mixed(int n, int fail_rank, int odd_rank, worker *w)
{
    nn_dataset *d = nn_dataset_generate("moons", 64, 2, 0.1, 1);
    group g = {.workers = n};
    pthread_barrier_init(&g.bar, NULL, (unsigned)n);
    pthread_t t[MAXW];
    for (int r = 0; r < n; r++) {
        w[r] = (worker){.g = &g, .rank = r, .arch = "dense:4,relu,dense:2", .opt = "sgd",
                        .batch = r == odd_rank ? 8 : 16, .fail_rank = fail_rank, .train = d, .val = NULL};
        pthread_create(&t[r], NULL, run_worker, &w[r]);
    }
    for (int r = 0; r < n; r++) pthread_join(t[r], NULL);
    pthread_barrier_destroy(&g.bar);
    for (int r = 0; r < n; r++) nn_history_free(&w[r].hist);
    nn_dataset_free(d);
}

START_TEST(failing_worker_stops_all)
{
    worker w[3];
    run_mixed(3, 1, -1, w);
    /* The failing worker's own error; the others are told another worker failed, and nobody hangs. */
    ck_assert_int_eq(w[1].st, NN_ESHAPE);
    for (int r = 0; r < 3; r += 2) {
        ck_assert_int_eq(w[r].st, NN_EIO);
        ck_assert_msg(strstr(w[r].msg, "another worker failed"), "%s", w[r].msg);
    }
}
END_TEST

/* Workers running different schedules (here batch sizes 16 and 8) would pair their reductions wrongly:
 * every one of them refuses to start instead. */
START_TEST(different_runs_refused)
{
    worker w[2];
    run_mixed(2, -1, 1, w);
    for (int r = 0; r < 2; r++) {
        ck_assert_int_eq(w[r].st, NN_EINVAL);
        ck_assert_msg(strstr(w[r].msg, "different training runs"), "%s", w[r].msg);
    }
}
END_TEST

START_TEST(bad_settings)
{
    nn_dataset *d = nn_dataset_generate("moons", 32, 2, 0.1, 1);
    nn_model *m = nn_model_from_spec(2, "dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    nn_optim *o = nn_optim_parse("sgd");
    nn_fit_opts f = nn_fit_defaults();
    f.workers = 2; /* no reduce function */
    ck_assert_int_eq(nn_fit(m, o, d, &f, NULL), NN_EINVAL);
    ck_assert(strstr(nn_errmsg(), "reduce function"));
    f.reduce = thread_allreduce;
    f.rank = 2;
    ck_assert_int_eq(nn_fit(m, o, d, &f, NULL), NN_EINVAL);
    ck_assert_int_eq(nn_model_fork_noise(NULL, 1), NN_EINVAL);
    nn_optim_free(o), nn_model_free(m), nn_dataset_free(d);
}
END_TEST

START_TEST(forked_noise_differs)
{
    /* Dropout masks of worker 0 are the plain run's; other workers draw their own. */
    nn_model *a = nn_model_from_spec(4, "dropout:p=0.5", NN_LOSS_MSE, 5);
    nn_model *b = nn_model_from_spec(4, "dropout:p=0.5", NN_LOSS_MSE, 5);
    nn_model *c = nn_model_from_spec(4, "dropout:p=0.5", NN_LOSS_MSE, 5);
    ck_assert_int_eq(nn_model_fork_noise(b, 0), NN_OK);
    ck_assert_int_eq(nn_model_fork_noise(c, 1), NN_OK);
    nn_real x[64];
    for (int i = 0; i < 64; i++) x[i] = 1;
    const nn_tensor *ya, *yb, *yc;
    ck_assert_int_eq(nn_model_forward(a, x, 16, 1, &ya), NN_OK);
    ck_assert_int_eq(nn_model_forward(b, x, 16, 1, &yb), NN_OK);
    ck_assert_int_eq(nn_model_forward(c, x, 16, 1, &yc), NN_OK);
    ck_assert(memcmp(ya->data, yb->data, 64 * sizeof(nn_real)) == 0);
    ck_assert(memcmp(ya->data, yc->data, 64 * sizeof(nn_real)) != 0);
    nn_model_free(a), nn_model_free(b), nn_model_free(c);
}
END_TEST

static Suite *dp_suite(void)
{
    Suite *s = suite_create("dataparallel");
    TCase *t = tcase_create("dataparallel");
    tcase_add_test(t, sgd_momentum_equals_plain);
    tcase_add_test(t, adam_equals_plain);
    tcase_add_test(t, fewer_rows_than_workers);
    tcase_add_test(t, failing_worker_stops_all);
    tcase_add_test(t, different_runs_refused);
    tcase_add_test(t, bad_settings);
    tcase_add_test(t, forked_noise_differs);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(dp_suite)
