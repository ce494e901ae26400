/* train.c: nnlab train (fit a model on a data set and save it), nnlab eval (score a saved model), nnlab predict. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Every score the CLI prints goes through here, so that train and eval of the same model on the same
 * rows print identical strings. */
static void print_scores(const char *prefix, double loss, double acc, int classify)
{
    printf("%sloss=%.6g", prefix, loss);
    if (classify) printf(" %sacc=%.6f", prefix, acc);
}

static const char train_help[] =
    "usage: nnlab train --data D --arch SPEC [options]\n"
    "Train a model on a data set; prints the final scores on stdout:\n"
    "  train_loss=... train_acc=... [val_loss=... val_acc=...]\n\n"
    "  --data D          bundled data set name (see 'nnlab datasets') or CSV file (features..., label)\n"
    "  --arch SPEC       layers, e.g. dense:64,relu,dense:3 (grammar in docs/cli.md)\n"
    "  --loss L          softmax-xent (default), sigmoid-bce or mse\n"
    "  --opt SPEC        optimizer (default " CLI_DEFAULT_OPT "), e.g. adam:lr=0.001\n"
    "  --schedule SPEC   learning-rate schedule: constant, step:step_size=10,gamma=0.1,\n"
    "                    exp:gamma=0.95, cosine:t_max=50,eta_min=0\n"
    "  --epochs N        epochs (default 10)\n"
    "  --batch B         batch size (default 32)\n"
    "  --seed S          seed of initialisation, split and shuffling (default 1)\n"
    "  --val FRACTION    hold out this part of the rows for validation (default 0)\n"
    "  --patience P      stop after P epochs without a better validation (or training) loss\n"
    "  --standardize     fit input standardisation on the training part; saved in the model\n"
    "  --l1 X, --l2 X    weight penalties on dense and maxout weights (default 0)\n"
    "  --clip-norm X     clip the gradient 2-norm to X each step\n"
    "  --clip-value X    clamp each gradient to [-X, X] each step\n"
    "  --save MODEL      write the trained model with its optimizer state (also after Ctrl-C)\n"
    "  --resume MODEL    continue the run saved in MODEL up to --epochs (default: its target), as if it\n"
    "                    had never stopped; saves back to MODEL unless --save is given\n"
    "  --history FILE    write per-epoch CSV: epoch,loss,acc,val_loss,val_acc,lr,seconds\n"
    "  --threads T       threads for matrix products (default: NNLAB_THREADS or all cores)\n"
    "  --quiet           no progress on stderr\n"
    "Ctrl-C stops after the current batch, saves what was trained and exits with status 1.\n"
    "With --resume only --data, --epochs, --save, --history, --threads and --quiet may be given.\n";

/* OPT_ARCH .. OPT_CLIPV are the settings a run records in its model, which --resume does not let change. */
enum { OPT_DATA = 256, OPT_EPOCHS, OPT_ARCH, OPT_LOSS, OPT_OPT, OPT_SCHED, OPT_BATCH, OPT_SEED, OPT_VAL,
       OPT_PATIENCE, OPT_STD, OPT_L1, OPT_L2, OPT_CLIP, OPT_CLIPV, OPT_SAVE, OPT_HIST, OPT_RESUME, OPT_THREADS,
       OPT_QUIET, OPT_HELP, OPT_MODEL };

static const struct option train_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},       {"arch", required_argument, NULL, OPT_ARCH},
    {"loss", required_argument, NULL, OPT_LOSS},       {"opt", required_argument, NULL, OPT_OPT},
    {"schedule", required_argument, NULL, OPT_SCHED},  {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"batch", required_argument, NULL, OPT_BATCH},     {"seed", required_argument, NULL, OPT_SEED},
    {"val", required_argument, NULL, OPT_VAL},         {"patience", required_argument, NULL, OPT_PATIENCE},
    {"standardize", no_argument, NULL, OPT_STD},       {"l1", required_argument, NULL, OPT_L1},
    {"l2", required_argument, NULL, OPT_L2},           {"clip-norm", required_argument, NULL, OPT_CLIP},
    {"clip-value", required_argument, NULL, OPT_CLIPV}, {"resume", required_argument, NULL, OPT_RESUME},
    {"save", required_argument, NULL, OPT_SAVE},       {"history", required_argument, NULL, OPT_HIST},
    {"threads", required_argument, NULL, OPT_THREADS}, {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},             {NULL, 0, NULL, 0},
};

static int write_history(const char *path, const nn_history *h)
{
    char tmp[4096];
    FILE *f = cli_atomic_open(path, tmp, sizeof tmp);
    if (!f) return -1;
    fprintf(f, "epoch,loss,acc,val_loss,val_acc,lr,seconds\n");
    for (int i = 0; i < h->n; i++) {
        const nn_epoch_stats *s = &h->epochs[i];
        fprintf(f, "%d,%.9g,%.9g,", s->epoch + 1, s->loss, s->acc);
        /* Without validation the cells stay empty, which CSV readers take as missing. */
        if (s->val_loss == s->val_loss) fprintf(f, "%.9g,%.9g,", s->val_loss, s->val_acc);
        else fprintf(f, ",,");
        fprintf(f, "%.9g,%.6f\n", s->lr, s->seconds);
    }
    return cli_atomic_commit(f, tmp, path);
}

/* The loss head and the data have to agree before training starts: a usage error otherwise. */
static int check_head(const nn_model *m, nn_loss loss, const nn_dataset *d, const char *data)
{
    int out = nn_model_outputs(m);
    if (loss == NN_LOSS_SOFTMAX_XENT) {
        if (d->nclasses < 2) {
            cli_error("train: --loss softmax-xent needs class labels 0..K-1, but %s has real-valued labels "
                      "(use --loss mse)", data);
            return -1;
        }
        if (out != d->nclasses) {
            cli_error("train: --arch ends with %d outputs but %s has %d classes (end it with dense:%d)", out,
                      data, d->nclasses, d->nclasses);
            return -1;
        }
    } else if (loss == NN_LOSS_SIGMOID_BCE) {
        if (d->nclasses != 2) {
            cli_error("train: --loss sigmoid-bce needs labels 0 and 1, but %s has %s", data,
                      d->nclasses ? "more than 2 classes" : "real-valued labels");
            return -1;
        }
    }
    return 0;
}

/* Everything a training run needs besides the model and optimizer: recorded in a saved model's metadata,
 * so that --resume continues the run exactly where it stopped. */
typedef struct run {
    const char *data, *sched;
    int epochs, batch, patience, standardize;
    uint64_t seed;
    double val, l1, l2, clip_norm, clip_value;
    int next_epoch, next_batch; /* where the run continues */
    int rows, cols;
    uint64_t hash; /* of the data's values, to warn when a resume trains on other data */
} run;

/* FNV-1a over the values and labels: cheap, and any changed value changes it. */
static uint64_t data_hash(const nn_dataset *d)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *p[2] = {(const unsigned char *)d->x, (const unsigned char *)d->y};
    size_t n[2] = {(size_t)d->rows * (size_t)d->cols * sizeof *d->x, (size_t)d->rows * sizeof *d->y};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < n[k]; i++) h = (h ^ p[k][i]) * 1099511628211ull;
    return h;
}

static int run_to_meta(const run *r, char *buf, size_t size)
{
    return snprintf(buf, size,
                    "nnlab-train-run=1\ndata=%s\nrows=%d\ncols=%d\ndata_hash=%016llx\nseed=%llu\nval=%.17g\n"
                    "batch=%d\nepochs=%d\npatience=%d\nstandardize=%d\nschedule=%s\nl1=%.17g\nl2=%.17g\n"
                    "clip_norm=%.17g\nclip_value=%.17g\nnext_epoch=%d\nnext_batch=%d\n",
                    r->data, r->rows, r->cols, (unsigned long long)r->hash, (unsigned long long)r->seed, r->val,
                    r->batch, r->epochs, r->patience, r->standardize, r->sched ? r->sched : "", r->l1, r->l2,
                    r->clip_norm, r->clip_value, r->next_epoch, r->next_batch);
}

/* Reads the record back; strings point into `text`, which it edits. 0, or -1 if it is not a run record. */
static int run_from_meta(char *text, run *r)
{
    memset(r, 0, sizeof *r);
    const char *mark = "nnlab-train-run=1\n";
    if (strncmp(text, mark, strlen(mark))) return -1;
    for (char *line = strtok(text + strlen(mark), "\n"); line; line = strtok(NULL, "\n")) {
        char *v = strchr(line, '=');
        if (!v) return -1;
        *v++ = '\0';
        if (!strcmp(line, "data")) r->data = v;
        else if (!strcmp(line, "schedule")) r->sched = *v ? v : NULL;
        else if (!strcmp(line, "rows")) r->rows = atoi(v);
        else if (!strcmp(line, "cols")) r->cols = atoi(v);
        else if (!strcmp(line, "data_hash")) r->hash = strtoull(v, NULL, 16);
        else if (!strcmp(line, "seed")) r->seed = strtoull(v, NULL, 10);
        else if (!strcmp(line, "val")) r->val = strtod(v, NULL);
        else if (!strcmp(line, "batch")) r->batch = atoi(v);
        else if (!strcmp(line, "epochs")) r->epochs = atoi(v);
        else if (!strcmp(line, "patience")) r->patience = atoi(v);
        else if (!strcmp(line, "standardize")) r->standardize = atoi(v);
        else if (!strcmp(line, "l1")) r->l1 = strtod(v, NULL);
        else if (!strcmp(line, "l2")) r->l2 = strtod(v, NULL);
        else if (!strcmp(line, "clip_norm")) r->clip_norm = strtod(v, NULL);
        else if (!strcmp(line, "clip_value")) r->clip_value = strtod(v, NULL);
        else if (!strcmp(line, "next_epoch")) r->next_epoch = atoi(v);
        else if (!strcmp(line, "next_batch")) r->next_batch = atoi(v);
    }
    return r->data && r->batch > 0 && r->epochs > 0 && r->next_epoch >= 0 && r->next_batch >= 0 ? 0 : -1;
}

/* Progress, plus the position of the last finished batch: where a stopped run continues. */
typedef struct train_watch {
    cli_progress prog;
    int epoch, batch, nbatches;
} train_watch;

static int watch_batch(int epoch, int batch, int nbatches, double loss, void *user)
{
    train_watch *w = user;
    w->epoch = epoch;
    w->batch = batch;
    w->nbatches = nbatches;
    return cli_progress_batch(epoch, batch, nbatches, loss, &w->prog);
}

static int watch_epoch(const nn_epoch_stats *s, void *user) { return cli_progress_epoch(s, &((train_watch *)user)->prog); }

/* The resumed model, its optimizer and run record; prints the error and returns nonzero on failure. */
static int load_resume(const char *path, nn_model **m, nn_optim **opt, run *r, char **meta)
{
    *m = nn_model_load_with(path, opt);
    if (!*m) {
        cli_error("train: --resume: %s", nn_errmsg());
        return CLI_ERR;
    }
    size_t n = strlen(nn_model_meta(*m));
    *meta = malloc(n + 1);
    if (!*meta) {
        cli_error("train: out of memory");
        return CLI_ERR;
    }
    memcpy(*meta, nn_model_meta(*m), n + 1);
    if (!*opt || run_from_meta(*meta, r)) {
        cli_error("train: --resume: %s was not saved by 'nnlab train --save' (it has no %s)", path,
                  *opt ? "training-run record" : "optimizer state");
        return CLI_ERR;
    }
    if (r->sched) {
        nn_schedule sc;
        if (nn_schedule_parse(r->sched, &sc) != NN_OK || nn_optim_set_schedule(*opt, &sc) != NN_OK) {
            cli_error("train: --resume: %s: schedule '%s': %s", path, r->sched, nn_errmsg());
            return CLI_ERR;
        }
    }
    return CLI_OK;
}

int cmd_train(int argc, char **argv)
{
    const char *arch = NULL, *loss_name = NULL, *opt_spec = NULL, *save = NULL, *hist_path = NULL;
    const char *resume = NULL;
    int fixed = 0; /* the first option given that a resumed run takes from its model instead */
    int threads = 0, epochs_given = 0;
    run R = {.epochs = 10, .batch = 32, .seed = 1};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", train_opts, NULL)) != -1) {
        int bad = 0;
        if (!fixed && c >= OPT_ARCH && c <= OPT_CLIPV) fixed = c;
        switch (c) {
        case OPT_DATA: R.data = optarg; break;
        case OPT_ARCH: arch = optarg; break;
        case OPT_LOSS: loss_name = optarg; break;
        case OPT_OPT: opt_spec = optarg; break;
        case OPT_SCHED: R.sched = optarg; break;
        case OPT_EPOCHS:
            bad = cli_parse_int("train", "epochs", optarg, 1, 100000000, &R.epochs);
            epochs_given = 1;
            break;
        case OPT_BATCH: bad = cli_parse_int("train", "batch", optarg, 1, 1 << 24, &R.batch); break;
        case OPT_SEED: bad = cli_parse_seed("train", optarg, &R.seed); break;
        case OPT_VAL:
            bad = cli_parse_double("train", "val", optarg, &R.val);
            if (!bad && !(R.val >= 0 && R.val < 1)) {
                cli_error("train: --val %s is not a fraction in [0, 1)", optarg);
                bad = 1;
            }
            break;
        case OPT_PATIENCE: bad = cli_parse_int("train", "patience", optarg, 0, 100000000, &R.patience); break;
        case OPT_STD: R.standardize = 1; break;
        case OPT_L1: bad = cli_parse_nonneg("train", "l1", optarg, &R.l1); break;
        case OPT_L2: bad = cli_parse_nonneg("train", "l2", optarg, &R.l2); break;
        case OPT_CLIP: bad = cli_parse_nonneg("train", "clip-norm", optarg, &R.clip_norm); break;
        case OPT_CLIPV: bad = cli_parse_nonneg("train", "clip-value", optarg, &R.clip_value); break;
        case OPT_SAVE: save = optarg; break;
        case OPT_HIST: hist_path = optarg; break;
        case OPT_RESUME: resume = optarg; break;
        case OPT_THREADS: bad = cli_parse_int("train", "threads", optarg, 1, 4096, &threads); break;
        case OPT_QUIET: cli_quiet = 1; break;
        case OPT_HELP: fputs(train_help, stdout); return CLI_OK;
        default: return cli_bad_option("train", argv, train_opts);
        }
        if (bad) return CLI_USAGE;
    }
    if (optind < argc) {
        cli_error("train: unexpected argument '%s' (options take the form --name VALUE)", argv[optind]);
        return CLI_USAGE;
    }
    if (resume && fixed) {
        const struct option *o = train_opts;
        while (o->val != fixed) o++;
        cli_error("train: --%s cannot be given with --resume: a resumed run keeps the settings saved in %s "
                  "(with --resume: --data, --epochs, --save, --history, --threads, --quiet)", o->name, resume);
        return CLI_USAGE;
    }
    if (!R.data || (!arch && !resume)) {
        cli_error("train: %s is required (see 'nnlab train --help')", !R.data ? "--data" : "--arch");
        return CLI_USAGE;
    }
    nn_loss loss = NN_LOSS_SOFTMAX_XENT;
    if (loss_name && nn_loss_parse(loss_name, &loss) != NN_OK) {
        cli_error("train: --loss: %s", nn_errmsg());
        return CLI_USAGE;
    }
    int rc = CLI_ERR;
    nn_optim *opt = NULL;
    nn_dataset *d = NULL, *tr = NULL, *va = NULL;
    nn_model *m = NULL;
    nn_real *mean = NULL, *std = NULL;
    nn_history hist = {0};
    char *meta = NULL;
    const char *data_arg = R.data;
    int epochs_arg = R.epochs;
    if (resume) {
        if ((rc = load_resume(resume, &m, &opt, &R, &meta)) != CLI_OK) goto done;
        rc = CLI_ERR;
        loss = nn_model_loss_kind(m);
        if (epochs_given) R.epochs = epochs_arg;
        if (R.next_epoch >= R.epochs) {
            cli_error("train: --resume: %s has trained %d epochs already; give --epochs above %d", resume,
                      R.next_epoch, R.next_epoch);
            rc = CLI_USAGE;
            goto done;
        }
        if (!save) save = resume;
    } else {
        /* Specs are checked before the data is read so that a typo fails fast. */
        opt = nn_optim_parse(opt_spec ? opt_spec : CLI_DEFAULT_OPT);
        if (!opt) {
            cli_error("train: --opt: %s", nn_errmsg());
            rc = CLI_USAGE;
            goto done;
        }
        nn_schedule sc;
        if (R.sched && (nn_schedule_parse(R.sched, &sc) != NN_OK || nn_optim_set_schedule(opt, &sc) != NN_OK)) {
            cli_error("train: --schedule: %s", nn_errmsg());
            rc = CLI_USAGE;
            goto done;
        }
    }
    if (threads > 0) nn_set_threads(threads);

    d = cli_load_data(data_arg);
    if (!d) goto done;
    if (resume) {
        if (d->cols != nn_model_inputs(m)) {
            cli_error("train: --resume: %s has %d feature columns but the model in %s takes %d inputs", data_arg,
                      d->cols, resume, nn_model_inputs(m));
            goto done;
        }
        if (d->rows != R.rows || data_hash(d) != R.hash)
            fprintf(stderr, "nnlab: train: warning: %s is not the data %s was trained on (%s, %d rows); the "
                            "resumed run will not match an uninterrupted one\n", data_arg, resume, R.data, R.rows);
    } else {
        m = nn_model_from_spec(d->cols, arch, loss, R.seed);
        if (!m) {
            cli_error("train: --arch: %s", nn_errmsg());
            rc = CLI_USAGE;
            goto done;
        }
    }
    if (check_head(m, loss, d, data_arg)) {
        rc = CLI_USAGE;
        goto done;
    }
    if (R.val > 0) {
        if (nn_dataset_split(d, R.val, R.seed, &tr, &va) != NN_OK) {
            cli_error("train: --val %g: %s", R.val, nn_errmsg());
            rc = CLI_USAGE;
            goto done;
        }
    } else if (!(tr = nn_dataset_subset(d, NULL, d->rows))) {
        cli_error("train: %s", nn_errmsg());
        goto done;
    }
    if (R.standardize && !resume) {
        mean = malloc(sizeof *mean * (size_t)d->cols);
        std = malloc(sizeof *std * (size_t)d->cols);
        if (!mean || !std) {
            cli_error("train: out of memory");
            goto done;
        }
        nn_dataset_fit_standardize(tr, mean, std);
        if (nn_model_set_scaling(m, mean, std) != NN_OK) {
            cli_error("train: --standardize: %s", nn_errmsg());
            goto done;
        }
    }

    nn_fit_opts fo = nn_fit_defaults();
    fo.epochs = R.epochs;
    fo.initial_epoch = R.next_epoch;
    fo.initial_batch = R.next_batch;
    fo.batch_size = R.batch;
    fo.seed = R.seed;
    fo.val = va;
    fo.patience = R.patience;
    fo.l1 = R.l1;
    fo.l2 = R.l2;
    fo.clip_norm = R.clip_norm;
    fo.clip_value = R.clip_value;
    train_watch w = {.epoch = R.next_epoch - 1, .batch = -1, .nbatches = 1};
    cli_progress_init(&w.prog, "", R.epochs);
    fo.on_batch = watch_batch;
    fo.on_epoch = watch_epoch;
    fo.user = &w;
    cli_install_sigint();
    nn_status st = nn_fit(m, opt, tr, &fo, &hist);
    cli_progress_end();
    if (st != NN_OK && st != NN_EINTR) {
        cli_error("train: %s", nn_errmsg());
        /* The history of a diverged run is what explains it; the model itself is not worth keeping. */
        if (hist_path && hist.n > 0) write_history(hist_path, &hist);
        rc = st == NN_EINVAL || st == NN_ESHAPE ? CLI_USAGE : CLI_ERR;
        goto done;
    }
    /* A finished epoch (or early stop) continues at the next epoch; a stop inside one at the next batch. */
    if (st == NN_OK || w.batch + 1 >= w.nbatches) {
        R.next_epoch = w.epoch + 1;
        R.next_batch = 0;
    } else {
        R.next_epoch = w.epoch;
        R.next_batch = w.batch + 1;
    }
    if (st == NN_EINTR)
        cli_error("train: interrupted in epoch %d of %d%s", w.epoch + 1, R.epochs,
                  save ? "; saving the model as it is (continue with --resume)" : "");
    if (save) {
        char rec[4096];
        R.data = data_arg;
        R.rows = d->rows;
        R.cols = d->cols;
        R.hash = data_hash(d);
        run_to_meta(&R, rec, sizeof rec);
        if (nn_model_set_meta(m, rec) != NN_OK || nn_model_save_with(m, opt, save) != NN_OK) {
            cli_error("train: --save: %s", nn_errmsg());
            goto done;
        }
    }
    if (hist_path && write_history(hist_path, &hist)) goto done;

    double tl, ta, vl = 0, vacc = 0;
    if (nn_evaluate(m, tr, 0, &tl, &ta) != NN_OK || (va && nn_evaluate(m, va, 0, &vl, &vacc) != NN_OK)) {
        cli_error("train: evaluating the trained model: %s", nn_errmsg());
        goto done;
    }
    int classify = d->nclasses >= 2 && !(loss == NN_LOSS_MSE && nn_model_outputs(m) == 1);
    printf("epochs=%d ", R.next_epoch);
    print_scores("train_", tl, ta, classify);
    if (va) {
        putchar(' ');
        print_scores("val_", vl, vacc, classify);
    }
    putchar('\n');
    fflush(stdout);
    rc = st == NN_EINTR ? CLI_ERR : CLI_OK;
done:
    nn_history_free(&hist);
    free(meta);
    free(mean);
    free(std);
    nn_model_free(m);
    nn_optim_free(opt);
    nn_dataset_free(tr);
    nn_dataset_free(va);
    nn_dataset_free(d);
    return rc;
}

static const char eval_help[] =
    "usage: nnlab eval --model MODEL --data D\n"
    "Score a saved model on a data set (bundled name or CSV file with the label in the last column).\n"
    "Prints 'loss=... acc=... rows=N', then the confusion matrix (rows: true class, columns: predicted).\n";

static const struct option eval_opts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"data", required_argument, NULL, OPT_DATA},
    {"help", no_argument, NULL, OPT_HELP},         {NULL, 0, NULL, 0},
};

/* Parse the model and data options of eval and predict; returns -1 (after the message) on a usage error. */
static int model_or_fail(const char *cmd, const char *path, nn_model **m)
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

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *data = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", eval_opts, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL: model = optarg; break;
        case OPT_DATA: data = optarg; break;
        case OPT_HELP: fputs(eval_help, stdout); return CLI_OK;
        default: return cli_bad_option("eval", argv, eval_opts);
        }
    }
    if (optind < argc) {
        cli_error("eval: unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    if (!data) {
        cli_error("eval: --data is required (see 'nnlab eval --help')");
        return CLI_USAGE;
    }
    nn_model *m = NULL;
    int rc = model_or_fail("eval", model, &m);
    if (rc) return rc;
    rc = CLI_ERR;
    int *cm = NULL, *pred = NULL;
    nn_dataset *d = cli_load_data(data);
    if (!d) goto done;
    if (d->cols != nn_model_inputs(m)) {
        cli_error("eval: %s has %d feature columns but the model takes %d inputs", data, d->cols,
                  nn_model_inputs(m));
        goto done;
    }
    double loss, acc;
    if (nn_evaluate(m, d, 0, &loss, &acc) != NN_OK) {
        cli_error("eval: %s: %s", data, nn_errmsg());
        goto done;
    }
    int k = nn_model_classes(m);
    int classify = d->nclasses >= 2 && !(nn_model_loss_kind(m) == NN_LOSS_MSE && nn_model_outputs(m) == 1);
    print_scores("", loss, acc, classify);
    printf(" rows=%d\n", d->rows);
    if (classify) {
        cm = calloc((size_t)k * (size_t)k, sizeof *cm);
        pred = malloc(sizeof *pred * (size_t)d->rows);
        if (!cm || !pred) {
            cli_error("eval: out of memory");
            goto done;
        }
        for (int r = 0; r < d->rows; r += 256) {
            int n = d->rows - r < 256 ? d->rows - r : 256;
            if (nn_model_predict(m, d->x + (size_t)r * (size_t)d->cols, n, pred + r, NULL) != NN_OK) {
                cli_error("eval: %s", nn_errmsg());
                goto done;
            }
        }
        for (int r = 0; r < d->rows; r++) {
            int t = (int)d->y[r];
            if (t >= 0 && t < k && pred[r] >= 0 && pred[r] < k) cm[t * k + pred[r]]++;
        }
        printf("confusion matrix (rows: true class, columns: predicted class)\n%-10s", "true\\pred");
        for (int j = 0; j < k; j++) printf(" %7d", j);
        putchar('\n');
        for (int i = 0; i < k; i++) {
            printf("%-10d", i);
            for (int j = 0; j < k; j++) printf(" %7d", cm[i * k + j]);
            putchar('\n');
        }
    }
    rc = CLI_OK;
done:
    free(cm);
    free(pred);
    nn_dataset_free(d);
    nn_model_free(m);
    return rc;
}

static const char predict_help[] =
    "usage: nnlab predict --model MODEL [FILE|-]\n"
    "Predict the class of each row of FILE (default: standard input).\n"
    "Rows are comma-separated numbers: exactly the model's inputs, or inputs+1 where the last column is\n"
    "a label, which is ignored (so a data set file can be given as it is). Blank lines, lines starting\n"
    "with '#' and a header line (a first row with a non-numeric cell) are skipped.\n"
    "Prints CSV: class,p0,p1,... per row (p: class probabilities; raw outputs for mse models).\n";

static const struct option predict_opts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0}};

/* Split a CSV line into numbers; returns the cell count, or -1 with *bad at the first non-numeric cell. */
static int parse_row(char *line, nn_real *v, int max, int *bad)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *end;
        while (*p == ' ' || *p == '\t') p++;
        errno = 0;
        double x = strtod(p, &end);
        char *q = end;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') q++;
        if (end == p || (*q && *q != ',')) {
            *bad = n + 1;
            return -1;
        }
        if (n < max) v[n] = (nn_real)x;
        n++;
        if (!*q) return n;
        p = q + 1;
    }
}

int cmd_predict(int argc, char **argv)
{
    const char *model = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", predict_opts, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL: model = optarg; break;
        case OPT_HELP: fputs(predict_help, stdout); return CLI_OK;
        default: return cli_bad_option("predict", argv, predict_opts);
        }
    }
    if (argc - optind > 1) {
        cli_error("predict: one input file at most, got '%s' and '%s'", argv[optind], argv[optind + 1]);
        return CLI_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : "-";
    nn_model *m = NULL;
    int rc = model_or_fail("predict", model, &m);
    if (rc) return rc;
    rc = CLI_ERR;
    int in = nn_model_inputs(m), k = nn_model_classes(m);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    nn_real *x = NULL, *probs = NULL, *row = malloc(sizeof *row * (size_t)(in + 1));
    int *cls = NULL;
    char *line = NULL;
    size_t cap = 0, rows = 0, rcap = 0;
    long lineno = 0;
    int seen = 0;
    if (!f) {
        cli_error("predict: %s: %s", path, strerror(errno));
        goto done;
    }
    if (!row) goto nomem;
    /* All rows are read before anything is printed, so a bad row leaves no partial output. */
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '\n' || *s == '\r' || *s == '#') continue;
        int bad = 0, n = parse_row(s, row, in + 1, &bad);
        if (n < 0) {
            if (!seen++) continue; /* header */
            cli_error("predict: %s:%ld: column %d is not a number", name, lineno, bad);
            goto done;
        }
        seen++;
        if (n != in && n != in + 1) {
            cli_error("predict: %s:%ld: row has %d columns; the model takes %d inputs (or %d with a label last)",
                      name, lineno, n, in, in + 1);
            goto done;
        }
        if (rows == rcap) {
            rcap = rcap ? 2 * rcap : 256;
            nn_real *nx = realloc(x, sizeof *x * rcap * (size_t)in);
            if (!nx) goto nomem;
            x = nx;
        }
        memcpy(x + rows * (size_t)in, row, sizeof *row * (size_t)in);
        rows++;
    }
    if (ferror(f)) {
        cli_error("predict: %s: read error", name);
        goto done;
    }
    if (rows > 0) {
        cls = malloc(sizeof *cls * rows);
        probs = malloc(sizeof *probs * rows * (size_t)k);
        if (!cls || !probs) goto nomem;
        for (size_t r = 0; r < rows; r += 256) {
            int n = rows - r < 256 ? (int)(rows - r) : 256;
            if (nn_model_predict(m, x + r * (size_t)in, n, cls + r, probs + r * (size_t)k) != NN_OK) {
                cli_error("predict: %s", nn_errmsg());
                goto done;
            }
        }
    }
    printf("class");
    for (int j = 0; j < k; j++) printf(",p%d", j);
    putchar('\n');
    for (size_t r = 0; r < rows; r++) {
        printf("%d", cls[r]);
        for (int j = 0; j < k; j++) printf(",%.6g", (double)probs[r * (size_t)k + (size_t)j]);
        putchar('\n');
    }
    rc = CLI_OK;
    goto done;
nomem:
    cli_error("predict: out of memory");
done:
    if (f && f != stdin) fclose(f);
    free(line);
    free(row);
    free(x);
    free(cls);
    free(probs);
    nn_model_free(m);
    return rc;
}
