/* nnlab-bench.c: training throughput of an MLP against the matrix-multiply bound, and ns/element of every activation. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "nnlab.h"
#include <strings.h>
#include "gemm.h"
#include "pool.h"

static const char usage[] =
    "usage: nnlab-bench [--threads T] [--batch B] [--widths W0,W1,...,WL] [--act SPEC] [--seconds S]\n"
    "       nnlab-bench --suite [--seconds S]     W1, W2, W3 at 1 and 2 threads, as a table\n"
    "       nnlab-bench --quick                   a few short runs (CI: proves the program works)\n"
    "       nnlab-bench --acts [--n N]            ns per element of forward+backward, every activation\n"
    "       nnlab-bench --kernels [--batch B --widths ...]  GFLOP/s of every product kernel on each product\n"
    "                                             of W1, W2, W3 (or of the given MLP), one thread\n"
    "One run prints: samples_per_s=N gemm_bound_samples_per_s=M ratio=R products_samples_per_s=P vs_products=V\n"
    "outside_products=O peak_rss_kb=K gemm_share=G peak_gflops=F bound_core=C cpu=\"...\" core=C\n"
    "(defaults: --threads 1 --batch 256 --widths 784,1024,1024,10 --act relu --seconds 3).\n"
    "Each run is a steady-state training step (forward, softmax cross-entropy, backward, SGD momentum 0.9)\n"
    "on random data, in its own process so that its peak memory is its own.\n";


typedef struct workload {
    const char *name;
    int widths[16], nw;
    int batch, threads;
    const char *act;
    double seconds;
} workload;

typedef struct result {
    double samples_per_s, bound, ratio, gemm_share, gflops_peak, products_per_s;
    long rss_kb;
    char bound_core[32];
} result;

static void block_part(void *ctx, int part, int nparts) { nn_gemm_block(ctx, part, nparts); }

/* Operands of a timed product: A (na values) and B (nb) filled with small repeating values, C (nc) zeroed.
 * 0, or -1 when out of memory (nothing left allocated). */
static int operands(size_t na, size_t nb, size_t nc, nn_real **a, nn_real **b, nn_real **c)
{
    *a = malloc(na * sizeof **a), *b = malloc(nb * sizeof **b), *c = calloc(nc, sizeof **c);
    if (!*a || !*b || !*c) {
        free(*a), free(*b), free(*c);
        return -1;
    }
    for (size_t i = 0; i < na; i++) (*a)[i] = (nn_real)((i % 7) - 3) * 0.1f;
    for (size_t i = 0; i < nb; i++) (*b)[i] = (nn_real)((i % 5) - 2) * 0.1f;
    return 0;
}

/* Peak rate of kernel `kind` (NN_GEMM_BLAS: OpenBLAS on the core it loaded) on a large square problem on
 * `threads` threads (split as a model splits its products), GFLOP/s, best of a few reps. */
static double peak_gflops(int n, int threads, int kind)
{
    size_t sz = (size_t)n * n;
    nn_real *a, *b, *c;
    if (operands(sz, sz, sz, &a, &b, &c)) return NAN;
    nn_pool *pool = threads > 1 ? nn_pool_new(threads) : NULL;
    if (threads > 1 && !pool) {
        free(a), free(b), free(c);
        return NAN;
    }
    nn_gemm_args g = nn_gemm_plan(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
    g.kind = kind;
    double best = INFINITY;
    for (int r = 0; r < 6; r++) { /* the first run warms up: threads started, pages touched */
        double t0 = nn_seconds();
        nn_pool_run(pool, block_part, &g);
        double t = nn_seconds() - t0;
        if (r && t < best) best = t;
    }
    free(a), free(b), free(c);
    nn_pool_free(pool);
    return 2.0 * n * (double)n * n / best / 1e9;
}

/* The same peak under another OpenBLAS core: this program again (--peak) with OPENBLAS_CORETYPE=core, which
 * OpenBLAS reads only when it loads. NAN if that fails. */
static double peak_gflops_core(const char *core, int n, int threads)
{
    int fd[2];
    if (pipe(fd)) return NAN;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return NAN;
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 1);
        char ns[16], ts[16];
        snprintf(ns, sizeof ns, "%d", n), snprintf(ts, sizeof ts, "%d", threads);
        setenv("OPENBLAS_CORETYPE", core, 1);
        setenv("NNLAB_BLAS_REEXEC", core, 1); /* no restart towards another core */
        char *args[] = {"nnlab-bench", "--peak", ns, "--threads", ts, NULL};
        execv("/proc/self/exe", args);
        _exit(127);
    }
    close(fd[1]);
    char buf[64] = "";
    ssize_t got = read(fd[0], buf, sizeof buf - 1);
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (got <= 0 || !WIFEXITED(st) || WEXITSTATUS(st)) return NAN;
    buf[got] = '\0';
    return strtod(buf, NULL);
}

/* The bound's rate: the best peak over the OpenBLAS cores this CPU can run (the one loaded now, the AVX2
 * Haswell kernels, the AVX-512 SkylakeX ones), so that a mis-detected CPU does not lower its own bound. */
static double best_peak_gflops(int n, int threads, char *core, size_t size)
{
    nn_blas_facts f;
    nn_blas_info(&f);
    double best = peak_gflops(n, threads, NN_GEMM_BLAS);
    snprintf(core, size, "%s", f.core[0] ? f.core : "none");
    /* nnlab's own kernel, where built: the bound is the best rate the CPU reaches, whoever's code reaches it */
    if (nn_gemm_kernel_fits(NN_GEMM_PACK, 0, 0, n, n, n)) {
        double g = peak_gflops(n, threads, NN_GEMM_PACK);
        if (g > best) best = g, snprintf(core, size, "nnlab");
    }
    if (!f.core[0]) return best;
    const char *others[] = {(f.features & NN_CPU_AVX2) ? "Haswell" : NULL, f.best_core[0] ? f.best_core : NULL};
    for (int i = 0; i < 2; i++) {
        if (!others[i] || !strcasecmp(others[i], f.core) || (i == 1 && others[0] && !strcasecmp(others[0], others[1])))
            continue;
        double g = peak_gflops_core(others[i], n, threads);
        if (g > best) best = g, snprintf(core, size, "%s", others[i]);
    }
    return best;
}

/* Floating-point work of one training step: per dense layer X.W, dW = X^T dY and (except the first) dX. */
static double step_flops(const workload *w)
{
    double f = 0;
    for (int i = 0; i + 1 < w->nw; i++) f += 2.0 * w->batch * w->widths[i] * w->widths[i + 1] * (i ? 3 : 2);
    return f;
}

static const char *arch_of(const workload *w, char *buf, size_t size)
{
    size_t k = 0;
    for (int i = 1; i < w->nw; i++) {
        k += (size_t)snprintf(buf + k, size - k, "%sdense:%d", i > 1 ? "," : "", w->widths[i]);
        if (i + 1 < w->nw) k += (size_t)snprintf(buf + k, size - k, ",%s", w->act);
    }
    return buf;
}

/* The step's matrix products alone, same shapes, calls and threads as the dense layers'. */
typedef struct products {
    const workload *w;
    nn_pool *pool;
    nn_real *W, *G, *X, *Y, *D;
} products;

static int products_new(products *p, const workload *w)
{
    p->w = w;
    p->pool = w->threads > 1 ? nn_pool_new(w->threads) : NULL;
    int maxw = 0;
    for (int i = 0; i < w->nw; i++) maxw = w->widths[i] > maxw ? w->widths[i] : maxw;
    size_t big = (size_t)maxw * maxw, act = (size_t)w->batch * maxw;
    p->W = calloc(big, sizeof *p->W), p->G = calloc(big, sizeof *p->G), p->X = calloc(act, sizeof *p->X);
    p->Y = calloc(act, sizeof *p->Y), p->D = calloc(act, sizeof *p->D);
    return (w->threads > 1 && !p->pool) || !p->W || !p->G || !p->X || !p->Y || !p->D ? -1 : 0;
}

static void products_free(products *p)
{
    free(p->W), free(p->G), free(p->X), free(p->Y), free(p->D);
    nn_pool_free(p->pool);
}

static void products_step(products *p)
{
    const workload *w = p->w;
    int B = w->batch;
    for (int i = 0; i + 1 < w->nw; i++) {
        int in = w->widths[i], out = w->widths[i + 1];
        nn_gemm_pool(p->pool, 0, 0, B, out, in, 1, p->X, in, p->W, out, 1, p->Y, out);
        nn_gemm_pool(p->pool, 1, 0, in, out, B, 1, p->X, in, p->D, out, 0, p->G, out);
        if (i) nn_gemm_pool(p->pool, 0, 1, B, in, out, 1, p->D, out, p->W, out, 0, p->X, in);
    }
}

/* Seconds per step of whatever `step` runs, over a slice of about `budget` seconds. */
typedef void (*step_fn)(void *ctx);
static double slice_seconds(step_fn step, void *ctx, double budget)
{
    long steps = 0;
    double t0 = nn_seconds(), t;
    do {
        step(ctx);
        steps++;
    } while ((t = nn_seconds() - t0) < budget);
    return t / (double)steps;
}

typedef struct train_ctx {
    nn_model *m;
    nn_optim *o;
    const nn_real *x, *y;
    int B;
} train_ctx;

static void train_step(void *ctx)
{
    train_ctx *c = ctx;
    double loss;
    nn_train_step(c->m, c->o, c->x, c->y, c->B, &loss);
}

static void products_fn(void *ctx) { products_step(ctx); }

/* The timings alternate, SLICES slices of training steps and of products alone, and each keeps its fastest
 * slice: on a shared (virtual) machine another tenant only ever slows a slice down, and alternating spreads
 * slow stretches over both. */
#define SLICES 5

static int run_workload(const workload *w, result *r)
{
    memset(r, 0, sizeof *r);
    nn_set_threads(w->threads);
    char arch[1024];
    nn_model *m = nn_model_from_spec(w->widths[0], arch_of(w, arch, sizeof arch), NN_LOSS_SOFTMAX_XENT, 1);
    nn_optim *o = nn_optim_sgd(0.01, 0.9, 0, 0, 0);
    if (!m || !o) {
        fprintf(stderr, "nnlab-bench: %s\n", nn_errmsg());
        return -1;
    }
    int B = w->batch, in = w->widths[0], classes = w->widths[w->nw - 1];
    nn_real *x = malloc((size_t)B * in * sizeof *x), *y = malloc((size_t)B * sizeof *y);
    if (!x || !y) return -1;
    nn_rng g;
    nn_rng_seed(&g, 7);
    for (size_t i = 0; i < (size_t)B * in; i++) x[i] = (nn_real)nn_rng_normal(&g);
    for (int i = 0; i < B; i++) y[i] = (nn_real)(i % classes);
    double loss;
    /* Warm-up: buffers sized, optimizer state allocated, OpenBLAS threads running. */
    double t0 = nn_seconds();
    for (int i = 0; i < 3 || nn_seconds() - t0 < 0.1 * w->seconds; i++)
        if (nn_train_step(m, o, x, y, B, &loss) != NN_OK) {
            fprintf(stderr, "nnlab-bench: %s\n", nn_errmsg());
            return -1;
        }
    train_ctx tc = {m, o, x, y, B};
    double step_s = slice_seconds(train_step, &tc, w->seconds / SLICES);
    /* Peak memory of the steps alone, before the products' own buffers exist. */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->rss_kb = ru.ru_maxrss;
    products p;
    if (products_new(&p, w)) {
        fprintf(stderr, "nnlab-bench: out of memory\n");
        products_free(&p);
        nn_model_free(m), nn_optim_free(o), free(x), free(y);
        return -1;
    }
    products_step(&p); /* pages touched, threads started */
    double products_s = INFINITY;
    for (int sl = 0; sl < SLICES; sl++) {
        if (sl) step_s = fmin(step_s, slice_seconds(train_step, &tc, w->seconds / SLICES));
        products_s = fmin(products_s, slice_seconds(products_fn, &p, w->seconds / (3 * SLICES)));
    }
    products_free(&p);
    r->samples_per_s = B / step_s;
    r->gemm_share = products_s / step_s;
    r->products_per_s = B / products_s;
    nn_model_free(m);
    nn_optim_free(o);
    free(x);
    free(y);
    /* Last: the large product's buffers must not count in the step's peak memory. */
    r->gflops_peak = best_peak_gflops(w->seconds < 0.5 ? 1024 : 2048, w->threads, r->bound_core, sizeof r->bound_core);
    r->bound = r->gflops_peak * 1e9 / (step_flops(w) / B);
    r->ratio = r->samples_per_s / r->bound;
    return 0;
}

/* Runs w in a child process (its own peak memory, its own OpenBLAS thread pool). */
static int run_forked(const workload *w, result *r)
{
    int fd[2];
    if (pipe(fd)) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fd[0]);
        result res;
        int rc = run_workload(w, &res);
        if (rc == 0 && write(fd[1], &res, sizeof res) != (ssize_t)sizeof res) rc = -1;
        _exit(rc ? 1 : 0);
    }
    close(fd[1]);
    ssize_t n = read(fd[0], r, sizeof *r);
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return n == (ssize_t)sizeof *r && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static nn_blas_facts facts; /* the CPU and OpenBLAS core every line names */

static void print_line(const result *r)
{
    printf("samples_per_s=%.0f gemm_bound_samples_per_s=%.0f ratio=%.3f products_samples_per_s=%.0f "
           "vs_products=%.3f outside_products=%.3f peak_rss_kb=%ld gemm_share=%.3f peak_gflops=%.1f bound_core=%s "
           "cpu=\"%s\" core=%s\n",
           r->samples_per_s, r->bound, r->ratio, r->products_per_s, r->samples_per_s / r->products_per_s,
           1 - r->gemm_share, r->rss_kb, r->gemm_share, r->gflops_peak, r->bound_core,
           facts.cpu[0] ? facts.cpu : "unknown", facts.core[0] ? facts.core : "none");
}

static const workload suite_workloads[] = {
    {"W1 2-16-16-2", {2, 16, 16, 2}, 4, 32, 1, "relu", 0},
    {"W2 64-256-256-10", {64, 256, 256, 10}, 4, 64, 1, "relu", 0},
    {"W3 784-1024-1024-10", {784, 1024, 1024, 10}, 4, 256, 1, "relu", 0},
};

static int suite(double seconds, int quick)
{
    printf("| workload | batch | threads | samples/s | products only | gemm bound | %% of bound | %% of products only "
           "| outside products | peak RSS | CPU | core |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    int rc = 0;
    for (int i = 0; i < 3; i++)
        for (int th = 1; th <= (quick ? 1 : 2); th++) {
            workload w = suite_workloads[i];
            w.threads = th;
            w.seconds = seconds;
            result r;
            if (run_forked(&w, &r)) {
                fprintf(stderr, "nnlab-bench: %s at %d threads failed\n", w.name, th);
                rc = 1;
                continue;
            }
            char bound[48] = "(overhead-bound)";
            if (i > 0) snprintf(bound, sizeof bound, "%.0f (%s)", r.bound, r.bound_core);
            printf("| %s | %d | %d | %.0f | %.0f | %s | %.0f%% | %.0f%% | %.0f%% | %.1f MB | %s | %s |\n", w.name,
                   w.batch, th, r.samples_per_s, r.products_per_s, bound, 100 * r.ratio,
                   100 * r.samples_per_s / r.products_per_s, 100 * (1 - r.gemm_share), r.rss_kb / 1024.0,
                   facts.cpu[0] ? facts.cpu : "unknown", facts.core[0] ? facts.core : "none");
            fflush(stdout);
        }
    return rc;
}

/* ns per element of forward then backward for every activation (default parameters, inference-mode
 * kernels; learnable ones through the same kernels with their default parameters). */
static int bench_acts(size_t n, double seconds)
{
    nn_real *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *dy = malloc(n * sizeof *dy),
            *dx = malloc(n * sizeof *dx);
    if (!x || !y || !dy || !dx) return 1;
    nn_rng g;
    nn_rng_seed(&g, 3);
    for (size_t i = 0; i < n; i++) x[i] = (nn_real)(6 * nn_rng_uniform(&g) - 3), dy[i] = (nn_real)nn_rng_normal(&g);
    printf("| activation | forward ns/elem | backward ns/elem | total ns/elem |\n|---|---|---|---|\n");
    for (int id = 0; id < NN_ACT_COUNT; id++) {
        nn_act a = nn_act_default((nn_act_id)id);
        double bf = INFINITY, bb = INFINITY, t0 = nn_seconds();
        for (int r = 0; r < 3 || nn_seconds() - t0 < seconds; r++) {
            double t1 = nn_seconds();
            nn_act_forward(&a, x, y, n);
            double t2 = nn_seconds();
            nn_act_backward(&a, x, y, dy, dx, n);
            double t3 = nn_seconds();
            bf = fmin(bf, t2 - t1);
            bb = fmin(bb, t3 - t2);
        }
        printf("| %s | %.2f | %.2f | %.2f |\n", nn_act_info_of((nn_act_id)id)->name, 1e9 * bf / n, 1e9 * bb / n,
               1e9 * (bf + bb) / n);
    }
    free(x), free(y), free(dy), free(dx);
    return 0;
}

/* GFLOP/s of kernel `kind` on one product (one thread, best of several runs of at least a few ms). */
static double kernel_gflops(int kind, int ta, int tb, int m, int n, int k, double seconds)
{
    nn_real *a, *b, *c;
    if (operands((size_t)m * k, (size_t)k * n, (size_t)m * n, &a, &b, &c)) return NAN;
    int lda = ta ? m : k, ldb = tb ? k : n, reps = (int)(2e6 / ((double)m * n * k)) + 1;
    double best = INFINITY, t0 = nn_seconds();
    for (int r = 0; r < 5 || nn_seconds() - t0 < seconds; r++) {
        double t1 = nn_seconds();
        for (int q = 0; q < reps; q++) nn_gemm_with(kind, ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n);
        best = fmin(best, (nn_seconds() - t1) / reps);
    }
    free(a), free(b), free(c);
    return 2.0 * m * n * k / best / 1e9;
}

/* Every kernel on every product of a training step of each workload: what nn_gemm picks, and why. */
static int bench_kernels(const workload *ws, int nws, double seconds)
{
    printf("| workload | product | m x n x k | picked |");
    for (int kind = 0; kind < NN_GEMM_KINDS; kind++) printf(" %s |", nn_gemm_kernel_name(kind));
    printf("\n|---|---|---|---|");
    for (int kind = 0; kind < NN_GEMM_KINDS; kind++) printf("---|");
    printf("\n");
    nn_set_threads(1);
    for (int wi = 0; wi < nws; wi++) {
        const workload *w = &ws[wi];
        for (int i = 0; i + 1 < w->nw; i++)
            for (int what = 0; what < 3; what++) {
                int in = w->widths[i], out = w->widths[i + 1], B = w->batch;
                /* forward x W (B, out); dW = x^T dy (in, out); dx = dy W^T (B, in), not for the first layer */
                static const char *names[] = {"x.W", "dW = x^T.dy", "dx = dy.W^T"};
                int ta = what == 1, tb = what == 2, m = what == 1 ? in : B, n = what == 2 ? in : out,
                    k = what == 0 ? in : what == 1 ? B : out;
                if (what == 2 && i == 0) continue;
                int picked = nn_gemm_kernel(ta, tb, m, n, k);
                printf("| %s | layer %d %s | %d x %d x %d | %s |", w->name, i + 1, names[what], m, n, k,
                       nn_gemm_kernel_name(picked));
                for (int kind = 0; kind < NN_GEMM_KINDS; kind++) {
                    if (nn_gemm_kernel_fits(kind, ta, tb, m, n, k))
                        printf(kind == picked ? " **%.1f** |" : " %.1f |", kernel_gflops(kind, ta, tb, m, n, k, seconds));
                    else printf(" - |");
                }
                printf("\n");
                fflush(stdout);
            }
    }
    return 0;
}

static int parse_widths(const char *s, workload *w)
{
    w->nw = 0;
    for (const char *p = s; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 1 << 20 || w->nw == 16) return -1;
        w->widths[w->nw++] = (int)v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return -1;
    }
    return w->nw >= 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (nn_blas_reexec_best(argv, stderr) != NN_OK) fprintf(stderr, "nnlab-bench: %s\n", nn_errmsg());
    nn_blas_info(&facts);
    if (argc == 5 && !strcmp(argv[1], "--peak") && !strcmp(argv[3], "--threads")) {
        /* best_peak_gflops's child under another core: the rate alone */
        nn_set_threads(1);
        printf("%.3f\n", peak_gflops(atoi(argv[2]), atoi(argv[4]), NN_GEMM_BLAS));
        return 0;
    }
    fprintf(stderr, "nnlab-bench: CPU %s, OpenBLAS core %s%s%s\n", facts.cpu[0] ? facts.cpu : "unknown", facts.core,
            nn_blas_check() != NN_OK ? "; warning: " : "", nn_blas_check() != NN_OK ? nn_errmsg() : "");
    workload w = {"custom", {784, 1024, 1024, 10}, 4, 256, 1, "relu", 3};
    int do_suite = 0, quick = 0, acts = 0, kernels = 0, custom = 0;
    long n = 1 << 20;
    enum { O_THREADS = 256, O_BATCH, O_WIDTHS, O_ACT, O_SECONDS, O_SUITE, O_QUICK, O_ACTS, O_KERNELS, O_N, O_HELP };
    static const struct option opts[] = {
        {"threads", required_argument, NULL, O_THREADS}, {"batch", required_argument, NULL, O_BATCH},
        {"widths", required_argument, NULL, O_WIDTHS},   {"act", required_argument, NULL, O_ACT},
        {"seconds", required_argument, NULL, O_SECONDS}, {"suite", no_argument, NULL, O_SUITE},
        {"quick", no_argument, NULL, O_QUICK},           {"acts", no_argument, NULL, O_ACTS},
        {"n", required_argument, NULL, O_N},             {"help", no_argument, NULL, O_HELP},
        {"kernels", no_argument, NULL, O_KERNELS},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case O_THREADS: w.threads = (int)strtol(optarg, &end, 10), bad |= *end || w.threads < 1; break;
        case O_BATCH: w.batch = (int)strtol(optarg, &end, 10), bad |= *end || w.batch < 1, custom = 1; break;
        case O_WIDTHS: bad |= parse_widths(optarg, &w) != 0, custom = 1; break;
        case O_ACT: w.act = optarg; break;
        case O_SECONDS: w.seconds = strtod(optarg, &end), bad |= *end || !(w.seconds > 0); break;
        case O_SUITE: do_suite = 1; break;
        case O_QUICK: quick = 1; break;
        case O_ACTS: acts = 1; break;
        case O_KERNELS: kernels = 1; break;
        case O_N: n = strtol(optarg, &end, 10), bad |= *end || n < 1; break;
        case O_HELP: fputs(usage, stdout); return 0;
        default: bad = 1;
        }
        if (bad) {
            fprintf(stderr, "nnlab-bench: bad option or value '%s'\n%s", argv[optind - 1], usage);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "nnlab-bench: unexpected argument '%s'\n%s", argv[optind], usage);
        return 2;
    }
    if (acts) return bench_acts((size_t)n, quick ? 0.01 : 0.2);
    if (kernels) return custom ? bench_kernels(&w, 1, 0.2) : bench_kernels(suite_workloads, 3, quick ? 0.01 : 0.2);
    if (quick) {
        int rc = suite(0.3, 1);
        return rc | bench_acts(1 << 14, 0.001);
    }
    if (do_suite) return suite(w.seconds, 0);
    nn_act probe;
    if (nn_act_parse(w.act, &probe) != NN_OK) {
        fprintf(stderr, "nnlab-bench: --act: %s\n", nn_errmsg());
        return 2;
    }
    result r;
    if (run_forked(&w, &r)) return 1;
    print_line(&r);
    return 0;
}
