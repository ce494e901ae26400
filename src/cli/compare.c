/* compare.c: nnlab compare: one architecture trained per activation and seed in parallel, measured, tabulated, plotted and reported. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "plot.h"
#include "report.h"
#include "variants.h"

#define DEFAULT_TEMPLATE "dense:32,ACT,dense:32,ACT,dense:C"
#define DEFAULT_OPT CLI_DEFAULT_OPT
#define DEFAULT_ACTS "relu,leaky_relu,prelu,elu,selu,gelu,silu,tanh,sigmoid"
#define GRID 160 /* boundary image: GRID x GRID pixels */

/* The bundled suite: enough epochs for every activation to show whether (and how fast) it learns each task,
 * while the whole default run stays well under a minute on two cores. */
static const struct suite_task {
    const char *name;
    int classes;
    int epochs;
} suite[] = {{"xor", 2, 100}, {"moons", 2, 100}, {"circles", 2, 150}, {"spirals", 3, 300}};
enum { NSUITE = sizeof suite / sizeof suite[0] };

static const char compare_help[] =
    "usage: nnlab compare [--data D] [options]\n"
    "Train the same architecture once per activation and seed, print a table (best first) on stdout\n"
    "and write a report (results.csv, results.json, charts, index.html) into --out.\n"
    "Without --data: the bundled suite xor, moons, circles, spirals, one sub-report each.\n\n"
    "  --data D            bundled data set name or CSV file (features..., class label)\n"
    "  --acts LIST         activations, comma-separated (default " DEFAULT_ACTS ")\n"
    "  --seeds N           seeds 1..N per activation (default 3)\n"
    "  --epochs N          epochs per run (default 100; suite: per task)\n"
    "  --arch-template S   layers with ACT for the activation and C for the class count\n"
    "                      (default " DEFAULT_TEMPLATE ")\n"
    "  --opt SPEC          optimizer (default " DEFAULT_OPT ")\n"
    "  --variants LIST     compare remedies (default activation: relu, or the one --acts gives):\n"
    "                      OPT[+REMEDY...], e.g. \"sgd,adam:lr=1e-3,sgd+batchnorm,sgd+clip-norm=1\";\n"
    "                      OPT is an optimizer spec (a bare name equal to --opt's means --opt);\n"
    "                      REMEDY: " REMEDIES "\n"
    "  --batch B           batch size (default 32)\n"
    "  --val F             validation fraction, split with each seed (default 0.2)\n"
    "  --target-acc A      accuracy for the epochs-to-target column (default 0.9)\n"
    "  --out DIR           report directory (default nnlab-report), created if missing\n"
    "  --threads T         runs trained at once (default: NNLAB_THREADS or all cores)\n"
    "  --quiet             no progress on stderr\n"
    "Columns and files are described in docs/compare.md. Ctrl-C stops after the current batch,\n"
    "writes the report of what was trained and exits with status 1.\n";

enum { OPT_DATA = 256, OPT_ACTS, OPT_SEEDS, OPT_EPOCHS, OPT_TEMPLATE, OPT_OPT, OPT_BATCH, OPT_VAL, OPT_TARGET,
       OPT_OUT, OPT_THREADS, OPT_QUIET, OPT_HELP, OPT_VARIANTS };

static const struct option compare_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},         {"acts", required_argument, NULL, OPT_ACTS},
    {"seeds", required_argument, NULL, OPT_SEEDS},       {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"arch-template", required_argument, NULL, OPT_TEMPLATE}, {"opt", required_argument, NULL, OPT_OPT},
    {"batch", required_argument, NULL, OPT_BATCH},       {"val", required_argument, NULL, OPT_VAL},
    {"target-acc", required_argument, NULL, OPT_TARGET}, {"out", required_argument, NULL, OPT_OUT},
    {"threads", required_argument, NULL, OPT_THREADS},   {"quiet", no_argument, NULL, OPT_QUIET},
    {"variants", required_argument, NULL, OPT_VARIANTS}, {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* nn_fit clears the library's stop request when a run starts or ends, which with several runs in flight
 * would lose a Ctrl-C meant for the others: compare keeps its own flag and stops each run from the batch
 * callback. */
static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
    (void)sig;
    stop_flag = 1;
    nn_request_stop();
}

static void install_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills a stuck run */
    sigaction(SIGINT, &sa, NULL);
}

/* What the command line asked for. */
typedef struct settings {
    const char *data, *acts, *tmpl, *opt, *out, *variants;
    int seeds, epochs, batch, threads, epochs_set;
    double val, target;
} settings;

/* ---------------------------------------------------------------- activations and the template */

typedef struct act_list {
    int n;
    char (*spec)[256];
} act_list;

/* Activation specs carry their own parameters after commas ("srelu:t_l=-1,a_l=0.1"), so a key=value word
 * continues the spec before it, as in --arch. */
static int parse_acts(const char *list, act_list *out)
{
    size_t len = strlen(list);
    out->n = 0;
    out->spec = calloc(len + 1, sizeof *out->spec);
    if (!out->spec) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) {
            cli_error("compare: --acts '%s' has an empty name", list);
            return CLI_USAGE;
        }
        const char *eq = memchr(p, '=', n), *colon = memchr(p, ':', n);
        if (eq && !colon && out->n > 0) {
            char *prev = out->spec[out->n - 1];
            if (strlen(prev) + n + 2 > sizeof *out->spec) goto toolong;
            strcat(prev, ",");
            strncat(prev, p, n);
        } else {
            if (n + 1 > sizeof *out->spec) goto toolong;
            memcpy(out->spec[out->n], p, n);
            out->spec[out->n++][n] = '\0';
        }
        if (!e) break;
        p = e + 1;
    }
    for (int i = 0; i < out->n; i++) {
        nn_act a;
        if (nn_act_parse(out->spec[i], &a) != NN_OK) {
            cli_error("compare: --acts: %s", nn_errmsg());
            return CLI_USAGE;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(out->spec[i], out->spec[j])) {
                cli_error("compare: --acts lists '%s' twice", out->spec[i]);
                return CLI_USAGE;
            }
    }
    return CLI_OK;
toolong:
    cli_error("compare: --acts: activation spec too long");
    return CLI_USAGE;
}

/* A template field (between ',', ':' and '=') that is exactly ACT or C is a placeholder; matching whole
 * fields keeps names like "act" in other layers' parameters intact. */
static int fill_template(const char *tmpl, const char *act, int classes, char *buf, size_t size, int *nact)
{
    size_t k = 0;
    *nact = 0;
    for (const char *p = tmpl;;) {
        size_t n = strcspn(p, ",:=");
        char cls[16];
        const char *put = p;
        size_t plen = n;
        if (n == 3 && !strncmp(p, "ACT", 3)) {
            put = act;
            plen = strlen(act);
            (*nact)++;
        } else if (n == 1 && p[0] == 'C') {
            snprintf(cls, sizeof cls, "%d", classes);
            put = cls;
            plen = strlen(cls);
        }
        if (k + plen + 2 > size) return -1;
        memcpy(buf + k, put, plen);
        k += plen;
        if (!p[n]) break;
        buf[k++] = p[n];
        p += n + 1;
    }
    buf[k] = '\0';
    return 0;
}

static void file_safe(const char *spec, char *out, size_t size)
{
    size_t k = 0;
    for (const char *c = spec; *c && k + 1 < size; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
                 *c == '-' || *c == '.';
        out[k++] = ok ? *c : '_';
    }
    out[k] = '\0';
}

/* ---------------------------------------------------------------- one run */

typedef struct boundary {
    unsigned char *rgb; /* GRID x GRID, row 0 at the bottom */
    double *px, *py;    /* the first seed's training points */
    int *pc, np;
} boundary;

typedef struct pool {
    cmp_task *t;
    const nn_dataset *d;
    boundary *bnd;       /* per activation, for 2-D data */
    double x0, x1, y0, y1;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int next, total, done, workers;
    char *finished;      /* per job: run_one returned (set under mu) */
    char *reported;      /* per job: progress line printed */
    long epochs_done, epochs_total;
    double t0;
    int tty, bar;
} pool;

static int on_batch(int epoch, int batch, int nbatches, double loss, void *user)
{
    (void)epoch, (void)batch, (void)nbatches, (void)loss, (void)user;
    return stop_flag != 0;
}

static int on_epoch(const nn_epoch_stats *s, void *user)
{
    pool *p = user;
    (void)s;
    pthread_mutex_lock(&p->mu);
    p->epochs_done++;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

static double *new_reals(int n)
{
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (v)
        for (int i = 0; i < n; i++) v[i] = NAN;
    return v;
}

/* Dead units and the statistics of every hidden activation layer's outputs over the whole training part,
 * inference mode. */
static nn_status probe_units(nn_model *m, const nn_dataset *tr, cmp_run *r, int nhid)
{
    int nl = nn_model_nlayers(m), total = 0, dead = 0;
    int *lay = malloc((size_t)(nhid > 0 ? nhid : 1) * sizeof *lay);
    char **alive = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *alive);
    double *sum = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *sum);
    double *sq = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *sq);
    nn_status s = NN_OK;
    if (!lay || !alive || !sum || !sq) {
        s = NN_ENOMEM;
        goto done;
    }
    for (int i = 0, h = 0; i < nl && h < nhid; i++)
        if (!strcmp(nn_model_layer_kind(m, i), "act")) {
            lay[h] = i;
            if (!(alive[h] = calloc((size_t)nn_model_layer_outputs(m, i), 1))) {
                s = NN_ENOMEM;
                goto done;
            }
            h++;
        }
    for (int start = 0; start < tr->rows; start += 256) {
        int n = tr->rows - start < 256 ? tr->rows - start : 256;
        if ((s = nn_model_forward(m, tr->x + (size_t)start * tr->cols, n, 0, NULL)) != NN_OK) goto done;
        for (int h = 0; h < nhid; h++) {
            const nn_tensor *o = nn_model_layer_output(m, lay[h]);
            for (int q = 0; q < n; q++) {
                const nn_real *row = nn_tensor_row(o, q);
                for (int j = 0; j < o->cols; j++) {
                    double v = (double)row[j];
                    if (v != 0) alive[h][j] = 1;
                    sum[h] += v;
                    sq[h] += v * v;
                }
            }
        }
    }
    for (int h = 0; h < nhid; h++) {
        int w = nn_model_layer_outputs(m, lay[h]), dh = 0;
        double cnt = (double)w * tr->rows, mu = sum[h] / cnt;
        for (int j = 0; j < w; j++) dh += !alive[h][j];
        r->h_mean[h] = mu;
        r->h_std[h] = sqrt(fmax(0, sq[h] / cnt - mu * mu));
        r->h_dead[h] = (double)dh / w;
        total += w;
        dead += dh;
    }
    r->dead = total ? (double)dead / total : NAN;
done:
    for (int h = 0; alive && h < nhid; h++) free(alive[h]);
    free(alive), free(lay), free(sum), free(sq);
    return s;
}

/* The gradient norm of the first dense layer over that of the last on one batch: the first `batch` rows of
 * the training part as the split left them, training mode. Far below 1: gradients vanish on the way down. */
static nn_status probe_grads(nn_model *m, const nn_dataset *tr, int batch, cmp_run *r)
{
    int nl = nn_model_nlayers(m), first = -1, last = -1;
    for (int i = 0; i < nl; i++)
        if (!strcmp(nn_model_layer_kind(m, i), "dense")) {
            if (first < 0) first = i;
            last = i;
        }
    r->grad_ratio = NAN;
    if (first < 0 || first == last) return NN_OK;
    int rows = batch < tr->rows ? batch : tr->rows;
    double loss;
    nn_status s = nn_model_forward(m, tr->x, rows, 1, NULL);
    if (s == NN_OK) s = nn_model_loss(m, tr->y, &loss, NULL);
    if (s != NN_OK) return s;
    nn_model_zero_grad(m);
    if ((s = nn_model_backward(m)) != NN_OK) return s;
    double norm[2] = {0, 0};
    int which[2] = {first, last};
    for (int k = 0; k < 2; k++) {
        size_t n;
        const nn_real *g = nn_model_layer_grads(m, which[k], &n);
        for (size_t i = 0; i < n; i++) norm[k] += (double)g[i] * (double)g[i];
        norm[k] = sqrt(norm[k]);
    }
    r->grad_ratio = norm[1] > 0 ? norm[0] / norm[1] : NAN;
    return NN_OK;
}

/* The first seed's model classifies a grid over the data's range; each pixel takes its class's colour,
 * paler where the model is less sure, so that the boundary shows as a soft edge. */
static nn_status draw_boundary(pool *p, nn_model *m, const nn_dataset *tr, boundary *b)
{
    int n = GRID * GRID, k = nn_model_classes(m);
    nn_real *x = malloc((size_t)n * 2 * sizeof *x), *pr = malloc((size_t)n * (size_t)k * sizeof *pr);
    int *cls = malloc((size_t)n * sizeof *cls);
    b->rgb = malloc((size_t)n * 3);
    b->px = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->px);
    b->py = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->py);
    b->pc = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->pc);
    nn_status s = NN_ENOMEM;
    if (!x || !pr || !cls || !b->rgb || !b->px || !b->py || !b->pc) goto done;
    double dx = (p->x1 - p->x0) / GRID, dy = (p->y1 - p->y0) / GRID;
    for (int j = 0; j < GRID; j++)
        for (int i = 0; i < GRID; i++) {
            x[2 * (j * GRID + i)] = (nn_real)(p->x0 + (i + 0.5) * dx);
            x[2 * (j * GRID + i) + 1] = (nn_real)(p->y0 + (j + 0.5) * dy);
        }
    if ((s = nn_model_predict(m, x, n, cls, pr)) != NN_OK) goto done;
    for (int q = 0; q < n; q++) {
        double conf = (double)pr[(size_t)q * k + cls[q]], strength = (conf - 1.0 / k) / (1 - 1.0 / k);
        if (!(strength >= 0)) strength = 0;
        if (strength > 1) strength = 1;
        double mix = 0.12 + 0.5 * strength;
        unsigned c = cli_plot_colour(cls[q]);
        for (int ch = 0; ch < 3; ch++) {
            double v = (double)((c >> (16 - 8 * ch)) & 0xff);
            b->rgb[3 * q + ch] = (unsigned char)lround(255 * (1 - mix) + v * mix);
        }
    }
    for (int i = 0; i < tr->rows; i++) {
        b->px[i] = (double)tr->x[(size_t)i * 2];
        b->py[i] = (double)tr->x[(size_t)i * 2 + 1];
        b->pc[i] = (int)tr->y[i];
    }
    b->np = tr->rows;
done:
    free(x), free(pr), free(cls);
    return s;
}

static void run_one(pool *p, int a, int s)
{
    cmp_task *t = p->t;
    cmp_act *A = &t->acts[a];
    cmp_run *r = &A->runs[s];
    const nn_dataset *d = p->d;
    nn_dataset *tr = NULL, *va = NULL;
    nn_model *m = NULL;
    nn_optim *o = NULL;
    nn_real *mean = malloc((size_t)d->cols * sizeof *mean), *sd = malloc((size_t)d->cols * sizeof *sd);
    nn_status st = NN_ENOMEM;
    if (!mean || !sd) goto fail;
    /* Each run owns its copies, so that runs share nothing but the read-only source set. */
    /* The split's generator gets a seed derived from the run's: seeded alike, it would replay the stream a
     * toy generator used for the same small seed and pick correlated rows (a validation part from one
     * corner of the data). */
    if (t->val > 0) st = nn_dataset_split(d, t->val, r->seed * 0x9E3779B97F4A7C15ull + 0x73706c6974ull, &tr, &va);
    else st = (tr = nn_dataset_subset(d, NULL, d->rows)) ? NN_OK : NN_ENOMEM;
    if (st != NN_OK) goto fail;
    nn_dataset_fit_standardize(tr, mean, sd);
    st = NN_EINVAL;
    if (!(m = nn_model_from_spec(d->cols, A->arch, NN_LOSS_SOFTMAX_XENT, r->seed))) goto fail;
    if ((st = nn_model_set_scaling(m, mean, sd)) != NN_OK) goto fail;
    st = NN_EINVAL;
    if (!(o = nn_optim_parse(A->opt))) goto fail;
    nn_fit_opts fo = nn_fit_defaults();
    fo.clip_norm = A->clip_norm;
    fo.clip_value = A->clip_value;
    fo.l1 = A->l1;
    fo.l2 = A->l2;
    fo.epochs = t->epochs;
    fo.batch_size = t->batch;
    fo.seed = r->seed;
    fo.val = va;
    fo.on_batch = on_batch;
    fo.on_epoch = on_epoch;
    fo.user = p;
    st = nn_fit(m, o, tr, &fo, &r->hist);
    if (st == NN_ENONFINITE) {
        r->state = CMP_RUN_DIVERGED;
        snprintf(r->error, sizeof r->error, "%s", nn_errmsg());
    } else if (st == NN_EINTR) {
        r->state = CMP_RUN_INTERRUPTED;
    } else if (st != NN_OK) {
        goto fail;
    } else {
        r->state = CMP_RUN_OK;
    }
    if (r->hist.n == 0) goto out;
    if ((st = nn_evaluate(m, tr, 0, &r->train_loss, &r->train_acc)) != NN_OK) goto fail;
    if (va && (st = nn_evaluate(m, va, 0, &r->val_loss, &r->val_acc)) != NN_OK) goto fail;
    double ms = 0;
    for (int e = 0; e < r->hist.n; e++) {
        const nn_epoch_stats *es = &r->hist.epochs[e];
        double acc = va ? es->val_acc : es->acc;
        if (!r->epochs_to_target && acc >= t->target) r->epochs_to_target = e + 1;
        ms += 1000 * es->seconds;
    }
    r->ms_epoch = ms / r->hist.n;
    if ((st = probe_units(m, tr, r, t->nhid)) != NN_OK) goto fail;
    /* Before the gradient probe: its training-mode forward may move running statistics. */
    if (s == 0 && p->bnd && (st = draw_boundary(p, m, tr, &p->bnd[a])) != NN_OK) goto fail;
    if ((st = probe_grads(m, tr, t->batch, r)) != NN_OK) goto fail;
    goto out;
fail:
    r->state = CMP_RUN_FAILED;
    snprintf(r->error, sizeof r->error, "%s", *nn_errmsg() ? nn_errmsg() : nn_strerror(st));
out:
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(tr);
    nn_dataset_free(va);
    free(mean);
    free(sd);
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    while (p->next < p->total && !stop_flag) {
        int j = p->next++;
        pthread_mutex_unlock(&p->mu);
        /* Seed-major order: every activation gets its first seed early, so an interrupted run still
         * compares all of them. */
        run_one(p, j % p->t->nacts, j / p->t->nacts);
        pthread_mutex_lock(&p->mu);
        p->finished[j] = 1;
        p->done++;
        pthread_cond_broadcast(&p->cv);
    }
    p->workers--;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void fmt_clock(char *buf, size_t size, double s)
{
    if (!(s >= 0) || s > 359999) s = 0;
    long v = (long)(s + 0.5);
    snprintf(buf, size, "%ld:%02ld", v / 60, v % 60);
}

/* Called with p->mu held, from the main thread only: the one writer of progress. */
static void progress(pool *p)
{
    if (cli_quiet) return;
    cmp_task *t = p->t;
    for (int j = 0; j < p->total; j++) {
        cmp_run *r = &t->acts[j % t->nacts].runs[j / t->nacts];
        if (p->reported[j] || !p->finished[j]) continue;
        p->reported[j] = 1;
        if (p->tty) continue;
        fprintf(stderr, "%s: %s seed %llu: ", t->name, t->acts[j % t->nacts].spec, (unsigned long long)r->seed);
        if (r->state == CMP_RUN_FAILED) fprintf(stderr, "failed: %s\n", r->error);
        else if (r->hist.n == 0) fprintf(stderr, "interrupted before the first epoch\n");
        else
            fprintf(stderr, "%s=%.4f loss=%.4g (%d epochs, %.2f ms/epoch)%s\n", t->val > 0 ? "val_acc" : "train_acc",
                    t->val > 0 ? r->val_acc : r->train_acc, t->val > 0 ? r->val_loss : r->train_loss, r->hist.n,
                    r->ms_epoch, r->state == CMP_RUN_DIVERGED ? " diverged" : r->state == CMP_RUN_INTERRUPTED ? " interrupted" : "");
    }
    if (p->tty) {
        enum { W = 24 };
        double frac = p->epochs_total ? (double)p->epochs_done / p->epochs_total : 0;
        char bar[W + 1], el[32], rem[32];
        for (int i = 0; i < W; i++) bar[i] = i < (int)(frac * W + 0.5) ? '#' : '.';
        bar[W] = '\0';
        double el_s = cli_now() - p->t0;
        fmt_clock(el, sizeof el, el_s);
        fmt_clock(rem, sizeof rem, frac > 0 ? el_s * (1 - frac) / frac : 0);
        fprintf(stderr, "\r%s: [%s] %3.0f%%  runs %d/%d  %s<%s\033[K", t->name, bar, 100 * frac, p->done, p->total,
                el, rem);
        p->bar = 1;
    }
    fflush(stderr);
}

/* ---------------------------------------------------------------- aggregation */

static cmp_stat stat_of(const double *v, int n)
{
    cmp_stat s = {NAN, NAN, 0};
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) sum += v[i], s.n++;
    if (!s.n) return s;
    s.mean = sum / s.n;
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - s.mean) * (v[i] - s.mean);
    s.std = s.n > 1 ? sqrt(ss / (s.n - 1)) : 0;
    return s;
}

static int counts(const cmp_run *r)
{
    return r->state != CMP_RUN_NONE && r->state != CMP_RUN_FAILED && r->hist.n > 0;
}

static int aggregate(cmp_task *t)
{
    double *v = new_reals(t->nseeds);
    if (!v) return -1;
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        A->nruns = A->reached = A->diverged = A->incomplete = 0;
        for (int s = 0; s < t->nseeds; s++) {
            const cmp_run *r = &A->runs[s];
            if (r->state == CMP_RUN_FAILED) t->failed++;
            if (!counts(r)) continue;
            A->nruns++;
            A->diverged += r->state == CMP_RUN_DIVERGED;
            A->incomplete += r->state == CMP_RUN_INTERRUPTED;
            A->reached += r->epochs_to_target > 0;
        }
#define STAT(field, expr)                                                    \
    do {                                                                     \
        for (int s = 0; s < t->nseeds; s++) {                                \
            const cmp_run *r = &A->runs[s];                                  \
            v[s] = counts(r) ? (double)(expr) : NAN;                         \
        }                                                                    \
        A->field = stat_of(v, t->nseeds);                                    \
    } while (0)
        STAT(train_acc, r->train_acc);
        STAT(val_acc, r->val_acc);
        STAT(train_loss, r->train_loss);
        STAT(val_loss, r->val_loss);
        STAT(ms_epoch, r->ms_epoch);
        STAT(dead, r->dead);
        STAT(grad_ratio, r->grad_ratio);
        STAT(epochs_to_target, r->epochs_to_target > 0 ? (double)r->epochs_to_target : NAN);
        for (int h = 0; h < t->nhid; h++) {
            STAT(h_mean[h], r->h_mean[h]);
            STAT(h_std[h], r->h_std[h]);
        }
#undef STAT
        /* Curves average the runs that reached each epoch, so an interrupted run shortens no other. */
        for (int e = 0; e < t->epochs; e++) {
            double sum[4] = {0, 0, 0, 0};
            int n[4] = {0, 0, 0, 0};
            for (int s = 0; s < t->nseeds; s++) {
                const cmp_run *r = &A->runs[s];
                if (!counts(r) || r->hist.n <= e) continue;
                const nn_epoch_stats *es = &r->hist.epochs[e];
                double x[4] = {es->val_loss, es->val_acc, es->loss, es->acc};
                for (int k = 0; k < 4; k++)
                    if (isfinite(x[k])) sum[k] += x[k], n[k]++;
            }
            double *c[4] = {A->curve_val_loss, A->curve_val_acc, A->curve_loss, A->curve_acc};
            for (int k = 0; k < 4; k++) c[k][e] = n[k] ? sum[k] / n[k] : NAN;
        }
    }
    free(v);
    return 0;
}

/* Best first: higher mean validation accuracy (training accuracy without validation), then lower loss;
 * activations without a finished run go last. */
static int better(const cmp_task *t, const cmp_act *a, const cmp_act *b)
{
    int v = t->val > 0;
    double ka = v ? a->val_acc.mean : a->train_acc.mean, kb = v ? b->val_acc.mean : b->train_acc.mean;
    double la = v ? a->val_loss.mean : a->train_loss.mean, lb = v ? b->val_loss.mean : b->train_loss.mean;
    if (isfinite(ka) != isfinite(kb)) return isfinite(ka);
    if (isfinite(ka) && ka != kb) return ka > kb;
    if (isfinite(la) != isfinite(lb)) return isfinite(la);
    return isfinite(la) && la < lb;
}

static void sort_acts(cmp_task *t)
{
    for (int i = 0; i < t->nacts; i++) t->order[i] = i;
    /* Insertion sort: stable, so ties keep the order of --acts. */
    for (int i = 1; i < t->nacts; i++) {
        int x = t->order[i], j = i;
        while (j > 0 && better(t, &t->acts[x], &t->acts[t->order[j - 1]])) {
            t->order[j] = t->order[j - 1];
            j--;
        }
        t->order[j] = x;
    }
}

/* ---------------------------------------------------------------- charts */

static int write_charts(cmp_task *t, const pool *p, const nn_dataset *d, int jobs)
{
    int n = t->nacts, rc = 0, nb = 0, useval = t->val > 0;
    double *xs = malloc((size_t)t->epochs * sizeof *xs);
    cli_series *s = calloc((size_t)n, sizeof *s);
    char (*bases)[4300] = calloc((size_t)n + 2, sizeof *bases);
    const char **bp = calloc((size_t)n + 2, sizeof *bp);
    if (!xs || !s || !bases || !bp) {
        cli_error("out of memory");
        rc = -1;
        goto done;
    }
    for (int e = 0; e < t->epochs; e++) xs[e] = e + 1;
    char title[1024], ylabel[128];
    cli_plot_opts lo = {1, 0}, ao = {0, 0};
    /* Series in --acts order: an activation keeps its colour in every chart and every task of the suite. */
    for (int k = 0; k < n; k++) {
        const cmp_act *A = &t->acts[k];
        s[k] = (cli_series){A->spec, xs, useval ? A->curve_val_loss : A->curve_loss, t->epochs};
    }
    snprintf(bases[nb], sizeof bases[nb], "%s/loss", t->dir);
    snprintf(title, sizeof title, "%s: %s loss per epoch (mean of %d seed%s)", t->name, useval ? "validation" : "training",
             t->nseeds, t->nseeds == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s loss (cross-entropy)", useval ? "validation" : "training");
    if (cli_plot_lines_opts(bases[nb++], title, "epoch", ylabel, s, n, &lo) < 0) rc = -1;
    for (int k = 0; k < n; k++) s[k].y = useval ? t->acts[k].curve_val_acc : t->acts[k].curve_acc;
    snprintf(bases[nb], sizeof bases[nb], "%s/accuracy", t->dir);
    snprintf(title, sizeof title, "%s: %s accuracy per epoch (mean of %d seed%s)", t->name,
             useval ? "validation" : "training", t->nseeds, t->nseeds == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s accuracy", useval ? "validation" : "training");
    if (cli_plot_lines_opts(bases[nb++], title, "epoch", ylabel, s, n, &ao) < 0) rc = -1;
    for (int k = 0; p->bnd && k < n; k++) {
        int a = t->order[k];
        const boundary *b = &p->bnd[a];
        if (!b->rgb) continue;
        snprintf(bases[nb], sizeof bases[nb], "%s/boundary_%s", t->dir, t->acts[a].file);
        snprintf(title, sizeof title, "%s on %s: decision boundary (seed %llu)", t->acts[a].spec, t->name,
                 (unsigned long long)t->acts[a].runs[0].seed);
        const char *xl = d->names ? d->names[0] : "x1", *yl = d->names ? d->names[1] : "x2";
        if (cli_plot_boundary(bases[nb], title, xl, yl, GRID, GRID, p->x0, p->x1, p->y0, p->y1, b->rgb, b->px, b->py,
                              b->pc, b->np, 0) < 0) {
            rc = -1;
            continue;
        }
        t->acts[a].boundary = 1;
        nb++;
    }
    if (rc == 0) {
        for (int i = 0; i < nb; i++) bp[i] = bases[i];
        int r = cli_plot_render(bp, nb, jobs);
        t->charts = r == 0;
        if (r < 0) rc = -1;
    }
done:
    free(xs), free(s), free(bases), free(bp);
    return rc;
}

/* ---------------------------------------------------------------- one task */

static int mkdirs(const char *path)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n < 0 || (size_t)n >= sizeof buf) {
        cli_error("%s: path too long", path);
        return -1;
    }
    for (char *c = buf + 1;; c++) {
        if (*c == '/' || !*c) {
            char keep = *c;
            *c = '\0';
            struct stat st;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                cli_error("%s: cannot create directory: %s", buf, strerror(errno));
                return -1;
            }
            if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
                cli_error("%s: not a directory", buf);
                return -1;
            }
            *c = keep;
            if (!keep) break;
        }
    }
    return 0;
}

static void task_free(cmp_task *t)
{
    if (!t) return;
    for (int a = 0; t->acts && a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        for (int s = 0; A->runs && s < t->nseeds; s++) {
            nn_history_free(&A->runs[s].hist);
            free(A->runs[s].h_mean), free(A->runs[s].h_std), free(A->runs[s].h_dead);
        }
        free(A->runs), free(A->h_mean), free(A->h_std);
        free(A->curve_val_loss), free(A->curve_val_acc), free(A->curve_loss), free(A->curve_acc);
    }
    free(t->acts);
    free(t->order);
    free(t);
}

/* The task with every activation's architecture checked against the data: usage errors surface here,
 * before any training. *rc receives the exit status on failure. */
static cmp_task *task_new(const settings *o, const char *name, const char *data, const nn_dataset *d,
                          const act_list *acts, const variant_list *vars, const char *dir, int *rc)
{
    *rc = CLI_ERR;
    cmp_task *t = calloc(1, sizeof *t);
    if (!t) goto nomem;
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    t->data = data;
    t->rows = d->rows, t->cols = d->cols, t->classes = d->nclasses;
    t->arch_template = o->tmpl, t->opt_spec = o->opt, t->variants = o->variants;
    t->act = o->variants && acts->n == 1 ? acts->spec[0] : NULL;
    t->epochs = o->epochs, t->batch = o->batch, t->nseeds = o->seeds;
    t->val = o->val, t->target = o->target;
    t->nacts = acts->n * vars->n;
    t->nhid = -1;
    if (!(t->acts = calloc((size_t)t->nacts, sizeof *t->acts)) || !(t->order = calloc((size_t)t->nacts, sizeof *t->order)))
        goto nomem;
    if (d->nclasses < 2) {
        cli_error("compare: %s has real-valued labels; compare trains classifiers (labels 0..K-1)", data);
        *rc = CLI_USAGE;
        goto fail;
    }
    if (o->val > 0 && (int)lround(o->val * d->rows) < 1) {
        cli_error("compare: --val %g leaves no validation rows of the %d in %s", o->val, d->rows, data);
        *rc = CLI_USAGE;
        goto fail;
    }
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        const char *act = acts->spec[a / vars->n];
        const variant *V = &vars->v[a % vars->n];
        int nact;
        /* A row is named by what varies: the activation, the variant, or both. */
        if (!o->variants) snprintf(A->spec, sizeof A->spec, "%s", act);
        else if (acts->n == 1) snprintf(A->spec, sizeof A->spec, "%s", V->label);
        else snprintf(A->spec, sizeof A->spec, "%.120s %.120s", act, V->label);
        snprintf(A->opt, sizeof A->opt, "%s", V->opt);
        A->clip_norm = V->clip_norm, A->clip_value = V->clip_value, A->l1 = V->l1, A->l2 = V->l2;
        char layer[640];
        snprintf(layer, sizeof layer, "%s%s%s%s%s", V->before, *V->before ? "," : "", act, *V->after ? "," : "",
                 V->after);
        file_safe(A->spec, A->file, sizeof A->file);
        /* Specs that differ only in characters a file name cannot hold would share one: number the later. */
        for (int b = 0; b < a; b++)
            if (!strcmp(t->acts[b].file, A->file)) {
                size_t l = strlen(A->file);
                snprintf(A->file + (l < sizeof A->file - 8 ? l : sizeof A->file - 8), 8, "_%d", (a + 1) % 100000);
            }
        if (fill_template(o->tmpl, layer, d->nclasses, A->arch, sizeof A->arch, &nact)) {
            cli_error("compare: --arch-template too long");
            *rc = CLI_USAGE;
            goto fail;
        }
        if (nact == 0) {
            cli_error("compare: --arch-template '%s' has no ACT placeholder for the activation", o->tmpl);
            *rc = CLI_USAGE;
            goto fail;
        }
        nn_model *m = nn_model_from_spec(d->cols, A->arch, NN_LOSS_SOFTMAX_XENT, 1);
        if (!m) {
            cli_error("compare: --arch-template with %s: %s", A->spec, nn_errmsg());
            *rc = CLI_USAGE;
            goto fail;
        }
        int out = nn_model_outputs(m), nh = 0;
        for (int i = 0; i < nn_model_nlayers(m); i++) nh += !strcmp(nn_model_layer_kind(m, i), "act");
        nn_model_free(m);
        if (out != d->nclasses) {
            cli_error("compare: --arch-template ends with %d outputs but %s has %d classes (end it with dense:C)", out,
                      data, d->nclasses);
            *rc = CLI_USAGE;
            goto fail;
        }
        if (t->nhid < 0 || nh < t->nhid) t->nhid = nh;
    }
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        int nh = t->nhid > 0 ? t->nhid : 1;
        if (!(A->runs = calloc((size_t)o->seeds, sizeof *A->runs)) || !(A->h_mean = calloc((size_t)nh, sizeof *A->h_mean)) ||
            !(A->h_std = calloc((size_t)nh, sizeof *A->h_std)) || !(A->curve_val_loss = new_reals(o->epochs)) ||
            !(A->curve_val_acc = new_reals(o->epochs)) || !(A->curve_loss = new_reals(o->epochs)) ||
            !(A->curve_acc = new_reals(o->epochs)))
            goto nomem;
        for (int s = 0; s < o->seeds; s++) {
            cmp_run *r = &A->runs[s];
            r->seed = (uint64_t)s + 1;
            r->train_loss = r->train_acc = r->val_loss = r->val_acc = NAN;
            r->ms_epoch = r->dead = r->grad_ratio = NAN;
            if (!(r->h_mean = new_reals(nh)) || !(r->h_std = new_reals(nh)) || !(r->h_dead = new_reals(nh))) goto nomem;
        }
    }
    *rc = CLI_OK;
    return t;
nomem:
    cli_error("out of memory");
fail:
    task_free(t);
    return NULL;
}

/* Train every run of t on d with `workers` threads, then write the report into t->dir. */
static int task_run(cmp_task *t, const nn_dataset *d, int workers)
{
    int rc = CLI_OK;
    pool p;
    memset(&p, 0, sizeof p);
    p.t = t;
    p.d = d;
    p.total = t->nacts * t->nseeds;
    p.epochs_total = (long)p.total * t->epochs;
    p.tty = isatty(2);
    p.t0 = cli_now();
    p.reported = calloc((size_t)p.total, 1);
    p.finished = calloc((size_t)p.total, 1);
    if (!p.reported || !p.finished) {
        free(p.reported), free(p.finished);
        cli_error("out of memory");
        return CLI_ERR;
    }
    if (d->cols == 2) {
        /* The grid spans all rows (validation included) with a margin, so every point sits inside the picture. */
        double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
        for (int i = 0; i < d->rows; i++)
            for (int c = 0; c < 2; c++) {
                double v = (double)d->x[(size_t)i * 2 + c];
                lo[c] = fmin(lo[c], v), hi[c] = fmax(hi[c], v);
            }
        for (int c = 0; c < 2; c++) {
            double pad = hi[c] > lo[c] ? 0.08 * (hi[c] - lo[c]) : 0.5;
            lo[c] -= pad, hi[c] += pad;
        }
        p.x0 = lo[0], p.x1 = hi[0], p.y0 = lo[1], p.y1 = hi[1];
        if (!(p.bnd = calloc((size_t)t->nacts, sizeof *p.bnd))) {
            free(p.reported), free(p.finished);
            cli_error("out of memory");
            return CLI_ERR;
        }
    }
    if (workers > p.total) workers = p.total;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t *th = calloc((size_t)workers, sizeof *th);
    int started = 0;
    pthread_mutex_lock(&p.mu);
    for (int i = 0; th && i < workers; i++) {
        p.workers++;
        if (pthread_create(&th[i], NULL, worker, &p) != 0) {
            p.workers--;
            break;
        }
        started++;
    }
    if (!started) {
        /* Without threads the work still gets done, in this thread. */
        p.workers = 1;
        pthread_mutex_unlock(&p.mu);
        worker(&p);
        pthread_mutex_lock(&p.mu);
    }
    while (p.workers > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250000000L;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&p.cv, &p.mu, &ts);
        progress(&p);
    }
    progress(&p);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    if (p.bar) fputc('\n', stderr);
    t->seconds = cli_now() - p.t0;
    t->interrupted = stop_flag != 0;

    for (int a = 0; a < t->nacts; a++)
        for (int s = 0; s < t->nseeds; s++)
            if (t->acts[a].runs[s].state == CMP_RUN_FAILED)
                cli_error("compare: %s: %s seed %llu failed: %s", t->name, t->acts[a].spec,
                          (unsigned long long)t->acts[a].runs[s].seed, t->acts[a].runs[s].error);
    if (aggregate(t)) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto done;
    }
    sort_acts(t);
    report_table(stdout, t);
    fflush(stdout);
    if (write_charts(t, &p, d, workers > 0 ? workers : 1)) rc = CLI_ERR;
    if (report_csv(t) || report_json(t) || report_html(t)) rc = CLI_ERR;
    if (t->failed) rc = CLI_ERR;
done:
    for (int a = 0; p.bnd && a < t->nacts; a++) free(p.bnd[a].rgb), free(p.bnd[a].px), free(p.bnd[a].py), free(p.bnd[a].pc);
    free(p.bnd);
    free(p.reported);
    free(p.finished);
    return rc;
}

/* ---------------------------------------------------------------- the command */

/* A bundled toy task: the file from the data directory, else the generator with the settings that made the
 * bundled file, so the suite works from a bare build tree too. */
static nn_dataset *suite_data(const struct suite_task *st)
{
    char buf[4096];
    if (cli_bundled_path(st->name, buf, sizeof buf)) return cli_load_data(st->name);
    nn_dataset *d = nn_dataset_generate(st->name, 300, st->classes, 0.1, 1);
    if (!d) cli_error("compare: %s: %s", st->name, nn_errmsg());
    return d;
}

/* "path/to/moons.csv" -> "moons". */
static void task_name(const char *data, char *buf, size_t size)
{
    const char *b = strrchr(data, '/');
    b = b ? b + 1 : data;
    size_t n = strlen(b);
    if (n > 4 && !strcmp(b + n - 4, ".csv")) n -= 4;
    if (n == 0) b = "data", n = 4;
    snprintf(buf, size, "%.*s", (int)n, b);
}

int cmd_compare(int argc, char **argv)
{
    settings o = {NULL, DEFAULT_ACTS, DEFAULT_TEMPLATE, DEFAULT_OPT, "nnlab-report", NULL, 3, 100, 32, 0, 0, 0.2, 0.9};
    int acts_set = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", compare_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_DATA: o.data = optarg; break;
        case OPT_ACTS:
            o.acts = optarg;
            acts_set = 1;
            break;
        case OPT_VARIANTS: o.variants = optarg; break;
        case OPT_SEEDS: bad = cli_parse_int("compare", "seeds", optarg, 1, 1000, &o.seeds); break;
        case OPT_EPOCHS:
            bad = cli_parse_int("compare", "epochs", optarg, 1, 1000000, &o.epochs);
            o.epochs_set = 1;
            break;
        case OPT_TEMPLATE: o.tmpl = optarg; break;
        case OPT_OPT: o.opt = optarg; break;
        case OPT_BATCH: bad = cli_parse_int("compare", "batch", optarg, 1, 1 << 24, &o.batch); break;
        case OPT_VAL:
            bad = cli_parse_double("compare", "val", optarg, &o.val);
            if (!bad && !(o.val >= 0 && o.val < 1)) {
                cli_error("compare: --val %s is not a fraction in [0, 1)", optarg);
                bad = 1;
            }
            break;
        case OPT_TARGET:
            bad = cli_parse_double("compare", "target-acc", optarg, &o.target);
            if (!bad && !(o.target >= 0 && o.target <= 1)) {
                cli_error("compare: --target-acc %s is not an accuracy in [0, 1]", optarg);
                bad = 1;
            }
            break;
        case OPT_OUT: o.out = optarg; break;
        case OPT_THREADS: bad = cli_parse_int("compare", "threads", optarg, 1, 256, &o.threads); break;
        case OPT_QUIET: cli_quiet = 1; break;
        case OPT_HELP: fputs(compare_help, stdout); return CLI_OK;
        default: return cli_bad_option("compare", argv, compare_opts);
        }
        if (bad) return CLI_USAGE;
    }
    if (optind < argc) {
        cli_error("compare: unexpected argument '%s' (options take the form --name VALUE)", argv[optind]);
        return CLI_USAGE;
    }
    if (!*o.out) {
        cli_error("compare: --out needs a directory name");
        return CLI_USAGE;
    }
    act_list acts = {0, NULL};
    variant plain = {.label = ""};
    variant_list vars = {1, &plain};
    snprintf(plain.opt, sizeof plain.opt, "%s", o.opt);
    if (o.variants && !acts_set) o.acts = "relu";
    int rc = parse_acts(o.acts, &acts);
    nn_optim *probe = rc == CLI_OK ? nn_optim_parse(o.opt) : NULL;
    if (rc == CLI_OK && !probe) {
        cli_error("compare: --opt: %s", nn_errmsg());
        rc = CLI_USAGE;
    }
    nn_optim_free(probe);
    if (rc == CLI_OK && o.variants) rc = parse_variants(o.variants, o.opt, &vars);
    if (rc != CLI_OK) {
        free(acts.spec);
        if (vars.v != &plain) free(vars.v);
        return rc;
    }

    /* Runs are independent: parallelism comes from training several at once, so each product runs on one
     * thread (OpenBLAS threads on top would only compete for the same cores). */
    int workers = o.threads;
    if (workers <= 0) {
        nn_set_threads(0);
        workers = nn_get_threads();
    }
    if (workers < 1) workers = 1;
    nn_set_threads(1);
    stop_flag = 0;
    install_sigint();

    int nt = o.data ? 1 : NSUITE;
    cmp_task **tasks = calloc((size_t)nt, sizeof *tasks);
    int done = 0;
    if (!tasks) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto out;
    }
    if (!cli_quiet && !o.data)
        fprintf(stderr, "nnlab compare: the bundled suite (%d tasks x %d configurations x %d seeds) into %s/\n",
                NSUITE, acts.n * vars.n, o.seeds, o.out);
    for (int k = 0; k < nt && !stop_flag; k++) {
        char name[128], dir[4096];
        settings so = o;
        nn_dataset *d;
        if (o.data) {
            task_name(o.data, name, sizeof name);
            snprintf(dir, sizeof dir, "%s", o.out);
            d = cli_load_data(o.data);
        } else {
            snprintf(name, sizeof name, "%s", suite[k].name);
            snprintf(dir, sizeof dir, "%s/%s", o.out, suite[k].name);
            if (!o.epochs_set) so.epochs = suite[k].epochs;
            d = suite_data(&suite[k]);
        }
        if (!d) {
            rc = CLI_ERR;
            break;
        }
        int trc;
        cmp_task *t = task_new(&so, name, o.data ? o.data : suite[k].name, d, &acts, &vars, dir, &trc);
        if (!t) {
            nn_dataset_free(d);
            rc = trc;
            break;
        }
        tasks[done++] = t;
        if (mkdirs(dir)) {
            nn_dataset_free(d);
            rc = CLI_ERR;
            break;
        }
        if (nt > 1) printf("%s== %s: %d rows, %d features, %d classes ==\n", k ? "\n" : "", name, d->rows, d->cols,
                           d->nclasses);
        if (task_run(t, d, workers) != CLI_OK) rc = CLI_ERR;
        nn_dataset_free(d);
        if (!cli_quiet) fprintf(stderr, "%s: report in %s/index.html (%.1f s)\n", name, dir, t->seconds);
    }
    if (!o.data && done > 0) {
        if (report_suite_html(o.out, (const cmp_task *const *)tasks, done, stop_flag != 0)) rc = CLI_ERR;
        else if (!cli_quiet) fprintf(stderr, "suite report: %s/index.html\n", o.out);
    }
    if (stop_flag) {
        cli_error("compare: interrupted: the report holds the runs trained so far");
        rc = CLI_ERR;
    }
out:
    for (int k = 0; k < done; k++) task_free(tasks[k]);
    free(tasks);
    free(acts.spec);
    if (vars.v != &plain) free(vars.v);
    /* Later commands in this process (tests) get the default Ctrl-C back. */
    signal(SIGINT, SIG_DFL);
    return rc;
}
