/* util.c: what the nnlab subcommands share: messages, option errors, data paths, atomic files, Ctrl-C, progress. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

int cli_quiet = 0;
int cli_errors_muted = 0;
const char *cli_command = NULL;

/* A live progress bar leaves the cursor mid-line; anything else written to stderr must start a new line. */
static int bar_open = 0;
/* Batches per epoch as last reported, for the redraw at the end of an epoch. */
static int bar_nbatches = 1;

static void close_bar(void)
{
    if (bar_open) {
        fputc('\n', stderr);
        bar_open = 0;
    }
}

static char last_error[1024];

void cli_error(const char *fmt, ...)
{
    va_list ap;
    close_bar();
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    /* Kept without the running command's name ("train: --resume: ..." -> "--resume: ..."), which printing puts
     * first: messages from the shared helpers (files, data, reports) name none, and one relayed from another
     * rank ("rank 1: ...") is then named once. A message naming a subcommand ("datasets gen: ...") stays. */
    size_t n = cli_command ? strlen(cli_command) : 0;
    if (n && !strncmp(last_error, cli_command, n) && last_error[n] == ':' && last_error[n + 1] == ' ')
        memmove(last_error, last_error + n + 2, strlen(last_error + n + 2) + 1);
    if (cli_errors_muted) return;
    if (n && !(strncmp(last_error, cli_command, n) == 0 && last_error[n] == ' '))
        fprintf(stderr, "nnlab: %s: %s\n", cli_command, last_error);
    else fprintf(stderr, "nnlab: %s\n", last_error);
}

const char *cli_last_error(void) { return last_error; }

void cli_say(const char *fmt, ...)
{
    if (cli_errors_muted) return;
    close_bar();
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int cli_bad_option(const char *cmd, char **argv, const struct option *opts)
{
    /* getopt_long leaves the offending word just before optind; optopt is set only for short options
     * and for options that miss their argument. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    char valid[1024];
    size_t len = 0;
    valid[0] = '\0';
    for (const struct option *o = opts; o->name && len < sizeof valid; o++)
        len += (size_t)snprintf(valid + len, sizeof valid - len, "%s--%s", o == opts ? "" : ", ", o->name);
    const struct option *hit = NULL;
    for (const struct option *o = opts; o->name; o++) {
        size_t n = strlen(o->name);
        if (word[0] == '-' && word[1] == '-' && !strncmp(word + 2, o->name, n) && (!word[2 + n] || word[2 + n] == '='))
            hit = o;
    }
    if (hit && hit->has_arg == required_argument)
        cli_error("%s: option '--%s' needs a value", cmd, hit->name);
    else if (hit)
        cli_error("%s: option '--%s' takes no value", cmd, hit->name);
    else if (optopt && !(word[0] == '-' && word[1] == '-'))
        cli_error("%s: unknown option '-%c' (valid: %s)", cmd, optopt, valid);
    else
        cli_error("%s: unknown option '%s' (valid: %s)", cmd, word, valid);
    return CLI_USAGE;
}

int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        cli_error("%s: --%s '%s' is not a whole number in [%ld, %ld]", cmd, opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_int(const char *cmd, const char *opt, const char *s, int lo, int hi, int *out)
{
    long v;
    if (cli_parse_long(cmd, opt, s, lo, hi, &v)) return -1;
    *out = (int)v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* ERANGE on a result below DBL_MIN is underflow (1e-320), a fine value; above, overflow. */
    if (end == s || *end || (errno == ERANGE && !(fabs(v) <= DBL_MIN)) || v != v || v - v != 0) {
        cli_error("%s: --%s '%s' is not a finite number", cmd, opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_nonneg(const char *cmd, const char *opt, const char *s, double *out)
{
    if (cli_parse_double(cmd, opt, s, out)) return -1;
    if (*out < 0) {
        cli_error("%s: --%s %s is negative", cmd, opt, s);
        return -1;
    }
    return 0;
}

int cli_parse_seed(const char *cmd, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* strtoull skips blanks and takes a sign (" -1" would be 2^64-1): only digits are a seed. */
    if (!isdigit((unsigned char)s[0]) || end == s || *end || errno) {
        cli_error("%s: --seed '%s' is not a whole number >= 0", cmd, s);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_init(const char *cmd, const char *s, nn_init *out)
{
    if (nn_init_parse(s, out) == NN_OK) return 0;
    cli_error("%s: --init: %s", cmd, nn_errmsg());
    return -1;
}

/* The library's "none" (a model without a loss head, for inference) cannot train or check a gradient. */
int cli_parse_loss(const char *cmd, const char *s, nn_loss *out)
{
    if (nn_loss_parse(s, out) != NN_OK)
        cli_error("%s: --loss: unknown loss '%s' (valid: softmax-xent (or xent, ce), sigmoid-bce (or bce), mse)", cmd, s);
    else if (*out == NN_LOSS_NONE)
        cli_error("%s: --loss none: a model without a loss head cannot be trained or checked (valid: softmax-xent, "
                  "sigmoid-bce, mse)", cmd);
    else return 0;
    return -1;
}

static int is_dir(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_exe_relative_dir(const char *rel, char *buf, size_t size)
{
#ifdef __linux__
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = '\0';
    int len = snprintf(buf, size, "%s/%s", exe, rel);
    return len < 0 || (size_t)len >= size || !is_dir(buf) ? -1 : 0;
#else
    (void)rel, (void)buf, (void)size;
    return -1;
#endif
}

/* <directory of the running binary>/NNLAB_BIN_TO_DATA_DIR (../share/nnlab/data when installed) if it exists,
 * else "": an installed nnlab finds its data wherever its prefix was installed or moved to. In the build tree
 * the directory is absent. */
static char exe_data_dir[4096];

static void find_exe_data_dir(void)
{
#ifdef NNLAB_BIN_TO_DATA_DIR
    if (cli_exe_relative_dir(NNLAB_BIN_TO_DATA_DIR, exe_data_dir, sizeof exe_data_dir)) exe_data_dir[0] = '\0';
#endif
}

const char *cli_data_dir(void)
{
    const char *env = getenv("NNLAB_DATA");
    if (env && *env) return env;
    /* compare's runs load data from several threads. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, find_exe_data_dir);
    if (exe_data_dir[0]) return exe_data_dir;
#ifdef NNLAB_SOURCE_DATA_DIR
    if (is_dir(NNLAB_SOURCE_DATA_DIR)) return NNLAB_SOURCE_DATA_DIR;
#endif
#ifdef NNLAB_INSTALL_DATA_DIR
    return NNLAB_INSTALL_DATA_DIR;
#else
    return "data";
#endif
}

const char *cli_bundled_path(const char *name, char *buf, size_t size)
{
    struct stat st;
    /* A bundled name is a bare word: anything with a path separator or an extension is a file name. */
    if (!name || !*name || strchr(name, '/') || strchr(name, '.')) return NULL;
    int n = snprintf(buf, size, "%s/%s.csv", cli_data_dir(), name);
    if (n < 0 || (size_t)n >= size || stat(buf, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
    return buf;
}

nn_csv_opts cli_csv = {.header = -1};

int cli_data_option(const char *cmd, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_LABEL_COL: cli_csv.label = arg; return 0;
    case CLI_OPT_DROP_COLS: cli_csv.drop = arg; return 0;
    case CLI_OPT_DELIMITER:
        if (!strcmp(arg, ",") || !strcmp(arg, "comma")) cli_csv.delimiter = ',';
        else if (!strcmp(arg, ";") || !strcmp(arg, "semicolon")) cli_csv.delimiter = ';';
        else if (!strcmp(arg, "\t") || !strcmp(arg, "tab")) cli_csv.delimiter = '\t';
        else if (!strcmp(arg, " ") || !strcmp(arg, "space")) cli_csv.delimiter = ' ';
        else {
            cli_error("%s: --delimiter '%s' is not one of ',' (comma), ';' (semicolon), tab, space", cmd, arg);
            return -1;
        }
        return 0;
    default: return -1;
    }
}

char *cli_read_stdin(size_t *len)
{
    char *buf = nn_read_stream(stdin, "<stdin>", len);
    if (!buf) cli_error("%s", nn_errmsg());
    return buf;
}

char **cli_bundled_names(void)
{
    DIR *dp = opendir(cli_data_dir());
    if (!dp) return NULL;
    size_t n = 0, bytes = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".csv")) {
            n++;
            bytes += len - 3;
        }
    }
    char **names = malloc((n + 1) * sizeof *names + bytes);
    char *s = names ? (char *)(names + n + 1) : NULL;
    size_t k = 0;
    rewinddir(dp);
    while (names && (e = readdir(dp)) && k < n) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".csv") || (size_t)(s - (char *)(names + n + 1)) + len - 3 > bytes)
            continue;
        memcpy(s, e->d_name, len - 4);
        s[len - 4] = '\0';
        names[k++] = s;
        s += len - 3;
    }
    closedir(dp);
    if (names) {
        names[k] = NULL;
        qsort(names, k, sizeof *names, cli_cmp_str);
    }
    return names;
}

int cli_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

const char *cli_data_path(const char *arg, char *buf, size_t size)
{
    struct stat st;
    /* A file in the working directory wins over a bundled set of the same name. */
    if (stat(arg, &st) == 0) return arg;
    const char *b = cli_bundled_path(arg, buf, size);
    if (b) return b;
    if (strchr(arg, '/') || strchr(arg, '.')) return arg; /* a file name: the reader says why it cannot open it */
    char **names = cli_bundled_names();
    const char *near = names ? nn_nearest_name(arg, (const char *const *)names) : NULL;
    char hint[128] = "";
    if (near) snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    cli_error("no data file or bundled data set '%s'%s (bundled data sets are in %s; see 'nnlab datasets')", arg,
              hint, cli_data_dir());
    free(names);
    return NULL;
}

void cli_print_notes(const char *arg, const nn_dataset *d)
{
    if (!d->notes || cli_quiet) return;
    for (const char *s = d->notes; *s;) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        fprintf(stderr, "nnlab: note: %s: %.*s\n", strcmp(arg, "-") ? arg : "<stdin>", n, s);
        s += n + (nl != NULL);
    }
}

nn_dataset *cli_read_data(const char *arg, const char *text, size_t len, const char *path)
{
    nn_dataset *d = text ? nn_dataset_parse_csv(text, len, "<stdin>", &cli_csv) : nn_dataset_read_csv(path, &cli_csv);
    if (!d) cli_error("%s", nn_errmsg());
    else cli_print_notes(arg, d);
    return d;
}

nn_dataset *cli_load_data(const char *arg)
{
    char buf[4096];
    if (!strcmp(arg, "-")) {
        size_t len;
        char *text = cli_read_stdin(&len);
        if (!text) return NULL;
        nn_dataset *d = cli_read_data(arg, text, len, NULL);
        free(text);
        return d;
    }
    const char *path = cli_data_path(arg, buf, sizeof buf);
    return path ? cli_read_data(arg, NULL, 0, path) : NULL;
}

FILE *cli_output_open(const char *path, nn_atomic **a)
{
    *a = NULL;
    return strcmp(path, "-") ? cli_atomic_open(path, a) : stdout;
}

int cli_output_close(nn_atomic *a)
{
    if (a) return cli_atomic_commit(a);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("<stdout>: write error: %s", strerror(errno));
        return -1;
    }
    return 0;
}

char **cli_model_classes(const nn_model *m, int *n)
{
    const char *meta = nn_model_meta(m);
    size_t bytes = 0;
    int k = 0;
    *n = 0;
    for (const char *s = meta; (s = strstr(s, "\nclass=")); s++) {
        k++;
        bytes += strcspn(s + 7, "\n") + 1;
    }
    if (!k) return NULL;
    char **names = malloc((size_t)(k + 1) * sizeof *names + bytes);
    if (!names) return NULL;
    char *p = (char *)(names + k + 1);
    int i = 0;
    for (const char *s = meta; (s = strstr(s, "\nclass=")); s++) {
        size_t len = strcspn(s + 7, "\n");
        memcpy(p, s + 7, len);
        p[len] = '\0';
        names[i++] = p;
        p += len + 1;
    }
    names[k] = NULL;
    *n = k;
    return names;
}

char **cli_use_model_classes(const nn_model *m)
{
    int n;
    char **names = cli_model_classes(m, &n);
    cli_csv.classes = (const char *const *)names;
    cli_csv.nclasses = n;
    /* A model without names was trained on labels that were its class ids: a slice of the data holding some
     * classes only must keep them, not be renumbered. */
    if (!names) cli_csv.labels = NN_LABELS_IDS;
    return names;
}

FILE *cli_atomic_open(const char *path, nn_atomic **a)
{
    if (nn_atomic_open(path, a) != NN_OK) {
        cli_error("%s", nn_errmsg());
        return NULL;
    }
    return nn_atomic_file(*a);
}

int cli_atomic_commit(nn_atomic *a)
{
    if (nn_atomic_commit(a) == NN_OK) return 0;
    cli_error("%s", nn_errmsg());
    return -1;
}

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    cli_interrupted = 1;
    nn_request_stop();
}

void cli_install_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    /* The first Ctrl-C asks for a clean stop; SA_RESETHAND lets a second one kill a stuck run. */
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    /* Open MPI's mpirun ends every rank at once on Ctrl-C but forwards SIGUSR1: under mpirun that is the clean stop. */
    if (cli_dist_size() > 1) sigaction(SIGUSR1, &sa, NULL);
}


void cli_progress_init(cli_progress *p, const char *label, int epochs)
{
    p->label = label;
    p->epochs = epochs;
    p->t0 = nn_seconds();
    p->loss = 0;
    p->tty = isatty(2);
    p->regression = 0;
}

static void fmt_time(char *buf, size_t size, double s)
{
    if (!(s >= 0) || s > 359999) s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* One redraw of the bar: frac is the part of the whole run done so far. */
static void draw_bar(const cli_progress *p, int epoch, int batch, int nbatches, double acc, double val_acc, double frac)
{
    enum { WIDTH = 20 };
    char bar[WIDTH + 1], el[48], rem[48], accs[48] = "";
    double ebatch = nbatches > 0 ? (double)batch / nbatches : 1;
    int fill = (int)(ebatch * WIDTH + 0.5);
    for (int i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    double t = nn_seconds() - p->t0;
    fmt_time(el, sizeof el, t);
    fmt_time(rem, sizeof rem, frac > 0 ? t * (1 - frac) / frac : 0);
    if (acc == acc && val_acc == val_acc) snprintf(accs, sizeof accs, " acc %.4f val %.4f", acc, val_acc);
    else if (acc == acc) snprintf(accs, sizeof accs, " acc %.4f", acc);
    /* \033[K clears what a longer earlier line left behind. */
    fprintf(stderr, "\r%s%sepoch %d/%d [%s] %d/%d loss %.4g%s %s<%s\033[K", p->label ? p->label : "",
            p->label && *p->label ? ": " : "", epoch + 1, p->epochs, bar, batch, nbatches, p->loss, accs, el, rem);
    fflush(stderr);
    bar_open = 1;
}

int cli_progress_batch(int epoch, int batch, int nbatches, double loss, void *user)
{
    cli_progress *p = user;
    static double last_draw;
    /* batch counts from 0: a running mean over the epoch's batches so far. */
    p->loss = batch == 0 ? loss : p->loss + (loss - p->loss) / (batch + 1);
    bar_nbatches = nbatches;
    if (cli_quiet || !p->tty) return 0;
    double now = nn_seconds();
    /* Redrawing every batch of a fast run would cost more than the training itself. */
    if (now - last_draw < 0.1 && batch + 1 < nbatches) return 0;
    last_draw = now;
    double frac = p->epochs > 0 ? (epoch + (double)(batch + 1) / nbatches) / p->epochs : 0;
    draw_bar(p, epoch, batch + 1, nbatches, NAN, NAN, frac);
    return 0;
}

int cli_progress_epoch(const nn_epoch_stats *s, void *user)
{
    cli_progress *p = user;
    if (cli_quiet) return 0;
    if (p->tty) {
        p->loss = s->loss;
        draw_bar(p, s->epoch, bar_nbatches, bar_nbatches, p->regression ? NAN : s->acc, p->regression ? NAN : s->val_acc,
                 p->epochs > 0 ? (s->epoch + 1.0) / p->epochs : 1);
        if (s->epoch + 1 >= p->epochs) close_bar();
        return 0;
    }
    char line[256];
    int n = snprintf(line, sizeof line, "%s%sepoch %d/%d loss=%.6g", p->label ? p->label : "",
                     p->label && *p->label ? ": " : "", s->epoch + 1, p->epochs, s->loss);
    if (!p->regression && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " acc=%.4f", s->acc);
    if (s->val_loss == s->val_loss && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " val_loss=%.6g", s->val_loss);
    if (s->val_loss == s->val_loss && !p->regression && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " val_acc=%.4f", s->val_acc);
    fprintf(stderr, "%s lr=%.4g time=%.2fs\n", line, s->lr, nn_seconds() - p->t0);
    return 0;
}

void cli_progress_end(void)
{
    close_bar();
}

/* A run "collapsed" when it learned and then lost it (final accuracy 0.2 or more below its best), or when it
 * ends at chance: within 0.05 of the majority-free guess 1/classes. Divergence and collapse come from a step
 * too large for the loss surface. At chance, the training loss from the first epoch to the last tells the
 * causes apart: risen by more than 5 %, a step too large; moved by 5 % or less either way, a step too small,
 * gradients that vanish before reaching the first layers, or inputs that say nothing of the labels; else
 * either. */
int cli_diagnose_run(int diverged, double best_acc, double final_acc, const nn_history *h, int classes,
                     const char *hint, char *buf, size_t size)
{
    double chance = classes > 1 ? 1.0 / classes : 0.5;
    double first_loss = h->n > 1 ? h->epochs[0].loss : NAN, last_loss = h->n > 1 ? h->epochs[h->n - 1].loss : NAN;
    if (diverged)
        snprintf(buf, size, "diverged (the loss became non-finite): learning rate too high? %s", hint);
    else if (best_acc - final_acc >= 0.2)
        snprintf(buf, size, "collapsed: final accuracy %.3f is far below its best %.3f: learning rate "
                 "too high? %s", final_acc, best_acc, hint);
    else if (final_acc <= chance + 0.05 && last_loss > 1.05 * first_loss)
        snprintf(buf, size, "at chance: final accuracy %.3f for %d classes, and the loss rose (%.4g to %.4g): "
                 "learning rate too high? %s", final_acc, classes, first_loss, last_loss, hint);
    else if (final_acc <= chance + 0.05 && fabs(last_loss - first_loss) <= 0.05 * first_loss)
        snprintf(buf, size, "at chance: final accuracy %.3f for %d classes, and the loss barely moved (%.4g to "
                 "%.4g): learning rate too low, vanishing gradients (saturating activations), or inputs that do not "
                 "predict the labels? %s", final_acc, classes, first_loss,
                 last_loss, hint);
    else if (final_acc <= chance + 0.05)
        snprintf(buf, size, "at chance: final accuracy %.3f for %d classes: learning rate too high "
                 "(or too low)? %s", final_acc, classes, hint);
    else
        return 0;
    return 1;
}

void cli_print_scores(FILE *f, const char *prefix, double loss, double acc, int classify)
{
    fprintf(f, "%sloss=%.6g", prefix, loss);
    if (classify) fprintf(f, " %sacc=%.6f", prefix, acc);
}

int cli_scores_accuracy(const nn_model *m, const nn_dataset *d)
{
    return d->nclasses >= 2 && !(nn_model_loss_kind(m) == NN_LOSS_MSE && nn_model_outputs(m) == 1);
}

int cli_load_model(const char *cmd, const char *path, nn_model **m)
{
    if (!path) {
        cli_error("%s: --model is required (see 'nnlab %s --help')", cmd, cmd);
        return CLI_USAGE;
    }
    *m = nn_model_load(path);
    if (!*m) {
        const char *msg = nn_errmsg();
        /* The library's message names the file in most cases; add it when it does not. */
        if (strstr(msg, path)) cli_error("%s: %s", cmd, msg);
        else cli_error("%s: %s: %s", cmd, path, msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* The swap deletes the old directory with everything in it: only an empty one or an earlier report may go. */
int cli_outdir_open(const char *out, char *tmp, size_t size)
{
    DIR *d = opendir(out);
    if (d) {
        int foreign = 0, report = 0;
        for (struct dirent *e; (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if (!strcmp(e->d_name, "index.html")) report = 1;
            else foreign = 1;
        }
        closedir(d);
        if (foreign && !report) {
            cli_error("%s: exists and holds no nnlab report: the new report would replace this whole directory; "
                      "choose another --out", out);
            return -1;
        }
    }
    if (nn_atomic_dir_open(out, tmp, size) == NN_OK) return 0;
    cli_error("%s", nn_errmsg());
    return -1;
}

int cli_outdir_commit(const char *tmp, const char *out)
{
    if (nn_atomic_dir_commit(tmp, out) == NN_OK) return 0;
    cli_error("%s", nn_errmsg());
    return -1;
}

int cli_warn_scales(const char *cmd, const char *data, const nn_real *std, int cols, const char *hint)
{
    int lo = 0, hi = 0;
    for (int j = 1; j < cols; j++) {
        if (std[j] < std[lo]) lo = j;
        if (std[j] > std[hi]) hi = j;
    }
    /* Gradient steps are sized for the widest feature: past ~100x the narrow ones barely move. */
    if (!(std[lo] > 0) || std[hi] / std[lo] <= 100) return 0;
    cli_say("nnlab: %s: warning: the features of %s differ in scale by %.3gx (standard deviation of column "
            "%d: %.3g, of column %d: %.3g) and are not standardised; training may be slow or unstable (%s)\n",
            cmd, data, (double)(std[hi] / std[lo]), hi + 1, (double)std[hi], lo + 1, (double)std[lo], hint);
    return 1;
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!strcmp(a, b)) return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
