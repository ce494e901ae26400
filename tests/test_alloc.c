/* test_alloc.c: a steady-state training step allocates nothing: malloc, calloc, realloc and free are counted through wrappers linked into this test. */
#include <stdint.h>
#include <string.h>
#include "testutil.h"

/* AddressSanitizer supplies its own allocator and intercepts these names, so the wrappers exist only in
 * the other builds; under the sanitizer its allocation hooks count instead. */
#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNTING 0
#endif
#endif
#ifndef COUNTING
#define COUNTING 1
#endif

static volatile int counting;
static volatile long calls;

#if COUNTING
/* glibc's allocator under its internal names: every allocation of the process, the library's and
 * OpenBLAS's included, passes through these definitions. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting) calls++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (counting) calls++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (counting) calls++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    if (counting && p) calls++;
    __libc_free(p);
}
#endif

#if !COUNTING
/* The sanitizer's hook interface (sanitizer/allocator_interface.h, which GCC 12 does not install). */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
/* Hooks run in every thread, and a thread's start-up inside the sanitizer allocates: count the test's own. */
static _Thread_local int armed;

static void malloc_hook(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (counting && armed) calls++;
}

static void free_hook(const volatile void *p)
{
    if (counting && armed && p) calls++;
}
#endif

/* Makes the counter live in this thread (installs the sanitizer's hooks once per process). */
static void arm(void)
{
#if !COUNTING
    static int done; /* installed hooks stack up */
    if (!done) done = __sanitizer_install_malloc_and_free_hooks(malloc_hook, free_hook);
    ck_assert_msg(done, "the sanitizer refused the allocation hooks");
    armed = 1;
#endif
}

#define IN 8
#define ROWS 32

static void data(nn_real *x, nn_real *y, int rows, int classes)
{
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (int i = 0; i < rows * IN; i++) x[i] = (nn_real)nn_rng_normal(&r);
    for (int i = 0; i < rows; i++) y[i] = (nn_real)(i % classes);
}

/* Allocation calls made by `steps` training steps after warming up, alternating full and short batches
 * as the last batch of an epoch does. */
static long steady_calls(const char *arch, nn_loss loss, const char *opt, int classes, int threads)
{
    /* The model's own threads (OpenBLAS itself always runs one, whose threaded driver would allocate). */
    nn_model *m = nn_model_from_spec(IN, arch, loss, 3);
    ck_assert_msg(m != NULL, "%s: %s", arch, nn_errmsg());
    ck_assert_int_eq(nn_model_set_threads(m, threads), NN_OK);
    nn_optim *o = nn_optim_parse(opt);
    ck_assert_ptr_nonnull(o);
    nn_real x[ROWS * IN], y[ROWS];
    data(x, y, ROWS, classes);
    double l;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(nn_train_step(m, o, x, y, ROWS, &l), NN_OK);
        ck_assert_int_eq(nn_train_step(m, o, x, y, ROWS - 7, &l), NN_OK);
    }
    calls = 0;
    counting = 1;
    for (int i = 0; i < 20; i++) {
        nn_train_step(m, o, x, y, ROWS, &l);
        nn_train_step(m, o, x, y, ROWS - 7, &l);
    }
    counting = 0;
    long n = calls;
    nn_optim_free(o);
    nn_model_free(m);
    return n;
}

START_TEST(counter_works)
{
    arm();
    /* The check must be able to fail: an allocation while counting is seen. */
    calls = 0;
    counting = 1;
    void *volatile p = malloc(16);
    free(p);
    counting = 0;
    ck_assert_int_eq(calls, 2);
}
END_TEST

START_TEST(train_step_allocates_nothing)
{
    arm();
    static const struct {
        const char *arch, *opt;
        nn_loss loss;
        int classes;
    } cases[] = {
        {"dense:16,relu,dense:16,relu,dense:3", "sgd:lr=0.05,momentum=0.9", NN_LOSS_SOFTMAX_XENT, 3},
        {"dense:16,relu,dense:3", "adam:lr=0.001,amsgrad=1", NN_LOSS_SOFTMAX_XENT, 3},
        {"dense:16,batchnorm,prelu,dropout:p=0.2,dense:16,rrelu,alpha_dropout:p=0.1,dense:3",
         "rmsprop:lr=0.001,momentum=0.9,centered=1", NN_LOSS_SOFTMAX_XENT, 3},
        {"maxout:8:k=3,srelu,dense:1", "adagrad", NN_LOSS_SIGMOID_BCE, 2},
        {"dense:64,gelu,dense:64,apl:S=2,dense:1", "adamw", NN_LOSS_MSE, 0},
        /* widths that are not multiples of 16, with products too long for a single stack block */
        {"dense:100,relu,dense:100,relu,dense:10", "sgd:lr=0.01,momentum=0.9", NN_LOSS_SOFTMAX_XENT, 10},
        {"dense:300,tanh,dense:37,relu,dense:3", "adam", NN_LOSS_SOFTMAX_XENT, 3},
        /* products large enough to be split over the model's threads */
        {"dense:1024,relu,dense:1024,relu,dense:3", "sgd:lr=0.01,momentum=0.9", NN_LOSS_SOFTMAX_XENT, 3},
    };
    for (int threads = 1; threads <= 2; threads++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            long n = steady_calls(cases[i].arch, cases[i].loss, cases[i].opt, cases[i].classes ? cases[i].classes : 1,
                                  threads);
            ck_assert_msg(n == 0, "%s with %s on %d threads: %ld allocation calls in 40 steady-state steps",
                          cases[i].arch, cases[i].opt, threads, n);
        }
}
END_TEST

/* Inside nn_fit: between two batches of the same epoch nothing is allocated. */
typedef struct watch {
    long at_batch;
    long worst;
} watch;

static int on_batch(int epoch, int batch, int nb, double loss, void *user)
{
    (void)loss;
    watch *w = user;
    if (epoch >= 1 && batch >= 1 && batch < nb) {
        long d = calls - w->at_batch;
        if (d > w->worst) w->worst = d;
    }
    w->at_batch = calls;
    return 0;
}

START_TEST(fit_batches_allocate_nothing)
{
    arm();
    nn_set_threads(2);
    nn_dataset *d = nn_dataset_generate("spirals", 150, 3, 0.1, 1);
    ck_assert_ptr_nonnull(d);
    nn_model *m = nn_model_from_spec(2, "dense:16,relu,dropout:p=0.1,dense:3", NN_LOSS_SOFTMAX_XENT, 1);
    nn_optim *o = nn_optim_parse("adam:lr=0.01");
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = 3;
    f.batch_size = 16;
    f.clip_norm = 1;
    f.clip_value = 0.5;
    f.l2 = 1e-4;
    watch w = {0, 0};
    f.on_batch = on_batch;
    f.user = &w;
    calls = 0;
    counting = 1;
    nn_status s = nn_fit(m, o, d, &f, NULL);
    counting = 0;
    ck_assert_int_eq(s, NN_OK);
    ck_assert_msg(w.worst == 0, "%ld allocation calls between two batches", w.worst);
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(d);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *t = tcase_create("alloc");
    tcase_add_test(t, counter_works);
    tcase_add_test(t, train_step_allocates_nothing);
    tcase_add_test(t, fit_batches_allocate_nothing);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
