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
    "  --opt SPEC        optimizer (default sgd:lr=0.1,momentum=0.9), e.g. adam:lr=0.001\n"
    "  --schedule SPEC   learning-rate schedule: constant, step:step_size=10,gamma=0.1,\n"
    "                    exp:gamma=0.95, cosine:t_max=50,eta_min=0\n"
    "  --epochs N        epochs (default 10)\n"
    "  --batch B         batch size (default 32)\n"
    "  --seed S          seed of initialisation, split and shuffling (default 1)\n"
    "  --val FRACTION    hold out this part of the rows for validation (default 0)\n"
    "  --patience P      stop after P epochs without a better validation (or training) loss\n"
    "  --standardize     fit input standardisation on the training part; saved in the model\n"
    "  --l1 X, --l2 X    weight penalties (default 0)\n"
    "  --clip-norm X     clip the gradient 2-norm to X each step\n"
    "  --save MODEL      write the trained model (also after Ctrl-C)\n"
    "  --history FILE    write per-epoch CSV: epoch,loss,acc,val_loss,val_acc,lr,seconds\n"
    "  --threads T       threads for matrix products (default: NNLAB_THREADS or all cores)\n"
    "  --quiet           no progress on stderr\n"
    "Ctrl-C stops after the current batch, saves what was trained and exits with status 1.\n";

enum { OPT_DATA = 256, OPT_ARCH, OPT_LOSS, OPT_OPT, OPT_SCHED, OPT_EPOCHS, OPT_BATCH, OPT_SEED, OPT_VAL,
       OPT_PATIENCE, OPT_STD, OPT_L1, OPT_L2, OPT_CLIP, OPT_SAVE, OPT_HIST, OPT_THREADS, OPT_QUIET, OPT_HELP,
       OPT_MODEL };

static const struct option train_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},       {"arch", required_argument, NULL, OPT_ARCH},
    {"loss", required_argument, NULL, OPT_LOSS},       {"opt", required_argument, NULL, OPT_OPT},
    {"schedule", required_argument, NULL, OPT_SCHED},  {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"batch", required_argument, NULL, OPT_BATCH},     {"seed", required_argument, NULL, OPT_SEED},
    {"val", required_argument, NULL, OPT_VAL},         {"patience", required_argument, NULL, OPT_PATIENCE},
    {"standardize", no_argument, NULL, OPT_STD},       {"l1", required_argument, NULL, OPT_L1},
    {"l2", required_argument, NULL, OPT_L2},           {"clip-norm", required_argument, NULL, OPT_CLIP},
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

int cmd_train(int argc, char **argv)
{
    const char *data = NULL, *arch = NULL, *loss_name = "softmax-xent", *opt_spec = "sgd:lr=0.1,momentum=0.9";
    const char *sched_spec = NULL, *save = NULL, *hist_path = NULL;
    int epochs = 10, batch = 32, patience = 0, standardize = 0, threads = 0;
    uint64_t seed = 1;
    double val = 0, l1 = 0, l2 = 0, clip = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", train_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_DATA: data = optarg; break;
        case OPT_ARCH: arch = optarg; break;
        case OPT_LOSS: loss_name = optarg; break;
        case OPT_OPT: opt_spec = optarg; break;
        case OPT_SCHED: sched_spec = optarg; break;
        case OPT_EPOCHS: bad = cli_parse_int("train", "epochs", optarg, 1, 100000000, &epochs); break;
        case OPT_BATCH: bad = cli_parse_int("train", "batch", optarg, 1, 1 << 24, &batch); break;
        case OPT_SEED: bad = cli_parse_seed("train", optarg, &seed); break;
        case OPT_VAL:
            bad = cli_parse_double("train", "val", optarg, &val);
            if (!bad && !(val >= 0 && val < 1)) {
                cli_error("train: --val %s is not a fraction in [0, 1)", optarg);
                bad = 1;
            }
            break;
        case OPT_PATIENCE: bad = cli_parse_int("train", "patience", optarg, 0, 100000000, &patience); break;
        case OPT_STD: standardize = 1; break;
        case OPT_L1: bad = cli_parse_double("train", "l1", optarg, &l1); break;
        case OPT_L2: bad = cli_parse_double("train", "l2", optarg, &l2); break;
        case OPT_CLIP: bad = cli_parse_double("train", "clip-norm", optarg, &clip); break;
        case OPT_SAVE: save = optarg; break;
        case OPT_HIST: hist_path = optarg; break;
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
    if (!data || !arch) {
        cli_error("train: %s is required (see 'nnlab train --help')", !data ? "--data" : "--arch");
        return CLI_USAGE;
    }
    nn_loss loss;
    if (nn_loss_parse(loss_name, &loss) != NN_OK) {
        cli_error("train: --loss: %s", nn_errmsg());
        return CLI_USAGE;
    }
    /* Specs are checked before the data is read so that a typo fails fast. */
    nn_optim *opt = nn_optim_parse(opt_spec);
    if (!opt) {
        cli_error("train: --opt: %s", nn_errmsg());
        return CLI_USAGE;
    }
    if (sched_spec) {
        nn_schedule sc;
        if (nn_schedule_parse(sched_spec, &sc) != NN_OK || nn_optim_set_schedule(opt, &sc) != NN_OK) {
            cli_error("train: --schedule: %s", nn_errmsg());
            nn_optim_free(opt);
            return CLI_USAGE;
        }
    }
    if (threads > 0) nn_set_threads(threads);

    int rc = CLI_ERR;
    nn_dataset *d = NULL, *tr = NULL, *va = NULL;
    nn_model *m = NULL;
    nn_real *mean = NULL, *std = NULL;
    nn_history hist = {0};
    d = cli_load_data(data);
    if (!d) goto done;
    m = nn_model_from_spec(d->cols, arch, loss, seed);
    if (!m) {
        cli_error("train: --arch: %s", nn_errmsg());
        rc = CLI_USAGE;
        goto done;
    }
    if (check_head(m, loss, d, data)) {
        rc = CLI_USAGE;
        goto done;
    }
    if (val > 0) {
        if (nn_dataset_split(d, val, seed, &tr, &va) != NN_OK) {
            cli_error("train: --val %g: %s", val, nn_errmsg());
            rc = CLI_USAGE;
            goto done;
        }
    } else if (!(tr = nn_dataset_subset(d, NULL, d->rows))) {
        cli_error("train: %s", nn_errmsg());
        goto done;
    }
    if (standardize) {
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
    fo.epochs = epochs;
    fo.batch_size = batch;
    fo.seed = seed;
    fo.val = va;
    fo.patience = patience;
    fo.l1 = l1;
    fo.l2 = l2;
    fo.clip_norm = clip;
    cli_progress prog;
    cli_progress_init(&prog, "", epochs);
    fo.on_batch = cli_progress_batch;
    fo.on_epoch = cli_progress_epoch;
    fo.user = &prog;
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
    if (st == NN_EINTR)
        cli_error("train: interrupted after %d of %d epochs%s", hist.n, epochs,
                  save ? "; saving the model as it is" : "");
    if (save && nn_model_save(m, save) != NN_OK) {
        cli_error("train: --save: %s", nn_errmsg());
        goto done;
    }
    if (hist_path && write_history(hist_path, &hist)) goto done;

    double tl, ta, vl = 0, vacc = 0;
    if (nn_evaluate(m, tr, 0, &tl, &ta) != NN_OK || (va && nn_evaluate(m, va, 0, &vl, &vacc) != NN_OK)) {
        cli_error("train: evaluating the trained model: %s", nn_errmsg());
        goto done;
    }
    int classify = d->nclasses >= 2 && !(loss == NN_LOSS_MSE && nn_model_outputs(m) == 1);
    printf("epochs=%d ", hist.n);
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
