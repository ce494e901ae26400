/* train.c: nnlab train: fit a model on a data set, report its scores, save it (and resume a saved run); its
 * --json document is train_json.c. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "train_json.h"
#include "train_run.h"

static const char train_help[] =
    "usage: nnlab train --data D --arch SPEC [options]\n"
    "Train a model on a data set; prints the final scores on stdout:\n"
    "  train_loss=... train_acc=... [val_loss=... val_acc=...]\n\n"
    "  --data D          bundled data set name (see 'nnlab datasets'), CSV file or - (standard input)\n"
    CLI_DATA_HELP
    "  --arch SPEC       layers, e.g. dense:64,relu,dense:3 (grammar in docs/cli.md)\n"
    "  --init NAME       initialiser of every dense and maxout layer whose spec names none: torch\n"
    "                    (PyTorch nn.Linear), keras (glorot_uniform, zero bias), he_normal, ... (default auto)\n"
    "  --loss L          softmax-xent (default), sigmoid-bce or mse\n"
    "  --opt SPEC        optimizer (default " CLI_DEFAULT_OPT "), e.g. sgd:lr=0.03,momentum=0.9\n"
    "  --schedule SPEC   learning-rate schedule: constant, step:step_size=10,gamma=0.1,\n"
    "                    exp:gamma=0.95, cosine:t_max=50,eta_min=0\n"
    "  --epochs N        epochs (default " CLI_STR(CLI_DEFAULT_EPOCHS) ")\n"
    "  --batch B         batch size (default 32)\n"
    "  --seed S          seed of initialisation, split and shuffling (default 1)\n"
    "  --val FRACTION    hold out this part of the rows for validation (default 0)\n"
    "  --patience P      stop after P epochs without a better validation (or training) loss, and put back\n"
    "                    the weights of the best epoch (--no-restore-best keeps the last ones)\n"
    "  --no-standardize  train on the raw inputs; by default each feature is standardised with the mean\n"
    "                    and standard deviation of the training part, saved in the model (--standardize)\n"
    "  --l1 X, --l2 X    weight penalties on dense and maxout weights (default 0)\n"
    "  --clip-norm X     clip the gradient 2-norm to X each step\n"
    "  --clip-value X    clamp each gradient to [-X, X] each step\n"
    "  --save MODEL      write the trained model with its optimizer state (also after Ctrl-C)\n"
    "  --resume MODEL    continue the run saved in MODEL up to --epochs (default: its target), as if it\n"
    "                    had never stopped; saves back to MODEL unless --save is given\n"
    "  --history FILE    write per-epoch CSV: epoch,loss,acc,val_loss,val_acc,lr,seconds\n"
    "  --threads T       threads the model trains on (default: NNLAB_THREADS or all cores)\n"
    "  --json            print one JSON document on stdout (schema in docs/cli.md); the scores line goes to\n"
    "                    stderr with the progress\n"
    "  --quiet           no progress on stderr\n"
    "Ctrl-C stops after the current batch, saves what was trained and exits with status 1.\n"
    "With --resume the run's own settings (--arch, --opt, --batch, ...) may be given again unchanged, so the\n"
    "same command can be re-run; a run already complete is left as it is. --history appends to its file.\n";

/* The options besides those of the settings a run records (TRAIN_OPT_ARCH .. TRAIN_OPT_INIT, train_run.h). */
enum { OPT_DATA = TRAIN_OPT_END, OPT_EPOCHS, OPT_SAVE, OPT_HIST, OPT_RESUME, OPT_THREADS, OPT_QUIET, OPT_HELP,
       OPT_RESTORE, OPT_NORESTORE, OPT_JSON };

static const struct option train_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},              {"arch", required_argument, NULL, TRAIN_OPT_ARCH},
    {"loss", required_argument, NULL, TRAIN_OPT_LOSS},        {"opt", required_argument, NULL, TRAIN_OPT_OPT},
    {"schedule", required_argument, NULL, TRAIN_OPT_SCHED},   {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"batch", required_argument, NULL, TRAIN_OPT_BATCH},      {"seed", required_argument, NULL, TRAIN_OPT_SEED},
    {"val", required_argument, NULL, TRAIN_OPT_VAL},          {"patience", required_argument, NULL, TRAIN_OPT_PATIENCE},
    {"standardize", no_argument, NULL, TRAIN_OPT_STD},        {"no-standardize", no_argument, NULL, TRAIN_OPT_NOSTD},
    {"l1", required_argument, NULL, TRAIN_OPT_L1},
    {"l2", required_argument, NULL, TRAIN_OPT_L2},            {"clip-norm", required_argument, NULL, TRAIN_OPT_CLIP},
    {"clip-value", required_argument, NULL, TRAIN_OPT_CLIPV}, {"resume", required_argument, NULL, OPT_RESUME},
    {"init", required_argument, NULL, TRAIN_OPT_INIT},
    {"save", required_argument, NULL, OPT_SAVE},              {"history", required_argument, NULL, OPT_HIST},
    {"threads", required_argument, NULL, OPT_THREADS},        {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},                    CLI_DATA_OPTIONS,
    {"restore-best", no_argument, NULL, OPT_RESTORE},         {"no-restore-best", no_argument, NULL, OPT_NORESTORE},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};

/* The per-epoch CSV ("-": standard output). keep > 0 (a resumed run): the rows of epochs 1..keep already in
 * the file stay, so the file holds the whole run. regression: no accuracy columns. */
static int write_history(const char *path, const nn_history *h, int keep, int regression)
{
    char *old = NULL;
    FILE *in = keep > 0 && strcmp(path, "-") ? fopen(path, "r") : NULL;
    if (in) {
        size_t cap = 0;
        if (getdelim(&old, &cap, '\0', in) < 0) {
            free(old);
            old = NULL;
        }
        fclose(in);
    }
    nn_atomic *tmp;
    FILE *f = cli_output_open(path, &tmp);
    if (!f) {
        free(old);
        return -1;
    }
    fputs(regression ? "epoch,loss,val_loss,lr,seconds\n" : "epoch,loss,acc,val_loss,val_acc,lr,seconds\n", f);
    for (char *line = old ? strchr(old, '\n') : NULL; line && line[1];) {
        char *next = strchr(line + 1, '\n');
        int n = next ? (int)(next - line - 1) : (int)strlen(line + 1);
        if (atoi(line + 1) >= 1 && atoi(line + 1) <= keep) fprintf(f, "%.*s\n", n, line + 1);
        line = next;
    }
    free(old);
    for (int i = 0; i < h->n; i++) {
        const nn_epoch_stats *s = &h->epochs[i];
        fprintf(f, "%d,%.9g,", s->epoch + 1, s->loss);
        if (!regression) fprintf(f, "%.9g,", s->acc);
        /* Without validation the cells stay empty, which CSV readers take as missing. */
        if (s->val_loss == s->val_loss) fprintf(f, "%.9g,", s->val_loss);
        else fputc(',', f);
        if (!regression) {
            if (s->val_loss == s->val_loss) fprintf(f, "%.9g,", s->val_acc);
            else fputc(',', f);
        }
        fprintf(f, "%.9g,%.6f\n", s->lr, s->seconds);
    }
    return cli_output_close(tmp);
}

/* The loss head and the data have to agree before training starts: a usage error otherwise. */
static int check_head(const nn_model *m, nn_loss loss, const nn_dataset *d, const char *data)
{
    int out = nn_model_outputs(m);
    if (loss == NN_LOSS_SOFTMAX_XENT) {
        if (d->nclasses < 2) {
            cli_error("train: --loss softmax-xent needs class labels, but the last column of %s holds real "
                      "numbers: choose the label column with --label-col, or use --loss mse for regression", data);
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

/* setup_optimizer's "nothing to do": the run is complete. */
#define CLI_DONE (-2)

/* The command line of a train run. */
typedef struct train_args {
    train_run R;
    const char *arch, *loss_name, *opt_spec, *save, *hist_path, *resume;
    const char *trained_on; /* with --resume: the data named in the run record */
    int threads, epochs_given;
    int json;               /* --json: one JSON document on stdout, everything else on stderr */
    int first_epoch;        /* where this process started training (the resume point) */
    unsigned fixed;         /* bit c - TRAIN_OPT_ARCH: option c, of a setting the run records, was given */
    nn_loss loss;
} train_args;

/* Everything a train run owns, freed by train_free. */
typedef struct train_state {
    nn_optim *opt;
    nn_dataset *d, *tr, *va;
    nn_model *m;
    nn_real *mean, *std;
    nn_history hist;
    char *meta;
    nn_status st;
    train_watch w;
} train_state;

static void train_free(train_state *s)
{
    nn_history_free(&s->hist);
    free(s->meta);
    free(s->mean);
    free(s->std);
    nn_model_free(s->m);
    nn_optim_free(s->opt);
    nn_dataset_free(s->tr);
    nn_dataset_free(s->va);
    nn_dataset_free(s->d);
}

/* Reads the options into a; -1 to go on, else the exit status (help printed, or a usage error). */
static int parse_train_args(int argc, char **argv, train_args *a)
{
    train_run *R = &a->R;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", train_opts, NULL)) != -1) {
        int bad = 0;
        if (c >= TRAIN_OPT_ARCH && c < TRAIN_OPT_END) a->fixed |= 1u << (c - TRAIN_OPT_ARCH);
        switch (c) {
        case OPT_DATA: R->data = optarg; break;
        case TRAIN_OPT_ARCH: a->arch = optarg; break;
        case TRAIN_OPT_LOSS: a->loss_name = optarg; break;
        case TRAIN_OPT_OPT: a->opt_spec = optarg; break;
        case TRAIN_OPT_SCHED: R->sched = optarg; break;
        case OPT_EPOCHS:
            bad = cli_parse_int("train", "epochs", optarg, 1, 100000000, &R->epochs);
            a->epochs_given = 1;
            break;
        case TRAIN_OPT_BATCH: bad = cli_parse_int("train", "batch", optarg, 1, 1 << 24, &R->batch); break;
        case TRAIN_OPT_SEED: bad = cli_parse_seed("train", optarg, &R->seed); break;
        case TRAIN_OPT_VAL:
            bad = cli_parse_double("train", "val", optarg, &R->val);
            if (!bad && !(R->val >= 0 && R->val < 1)) {
                cli_error("train: --val %s is not a fraction in [0, 1)", optarg);
                bad = 1;
            }
            break;
        case TRAIN_OPT_PATIENCE:
            bad = cli_parse_int("train", "patience", optarg, 0, 100000000, &R->patience);
            break;
        case TRAIN_OPT_STD: R->standardize = 1; break;
        case TRAIN_OPT_NOSTD: R->standardize = 0; break;
        case TRAIN_OPT_L1: bad = cli_parse_nonneg("train", "l1", optarg, &R->l1); break;
        case TRAIN_OPT_L2: bad = cli_parse_nonneg("train", "l2", optarg, &R->l2); break;
        case TRAIN_OPT_CLIP: bad = cli_parse_nonneg("train", "clip-norm", optarg, &R->clip_norm); break;
        case TRAIN_OPT_CLIPV: bad = cli_parse_nonneg("train", "clip-value", optarg, &R->clip_value); break;
        case TRAIN_OPT_INIT: bad = cli_parse_init("train", optarg, &R->init); break;
        case OPT_SAVE: a->save = optarg; break;
        case OPT_HIST: a->hist_path = optarg; break;
        case OPT_RESUME: a->resume = optarg; break;
        case OPT_THREADS: bad = cli_parse_int("train", "threads", optarg, 1, 4096, &a->threads); break;
        case OPT_QUIET: cli_quiet = 1; break;
        case OPT_JSON: a->json = 1; break;
        case OPT_RESTORE: R->restore_best = 1; break;
        case OPT_NORESTORE: R->restore_best = 0; break;
        case OPT_HELP: fputs(train_help, stdout); return CLI_OK;
        case CLI_OPT_LABEL_COL:
        case CLI_OPT_DROP_COLS:
        case CLI_OPT_DELIMITER: bad = cli_data_option("train", c, optarg); break;
        default: return cli_bad_option("train", argv, train_opts);
        }
        if (bad) return CLI_USAGE;
    }
    if (optind < argc) {
        cli_error("train: unexpected argument '%s' (options take the form --name VALUE)", argv[optind]);
        return CLI_USAGE;
    }
    if (!R->data || (!a->arch && !a->resume)) {
        cli_error("train: %s is required (see 'nnlab train --help')", !R->data ? "--data" : "--arch");
        return CLI_USAGE;
    }
    a->loss = NN_LOSS_SOFTMAX_XENT;
    if (a->loss_name && cli_parse_loss("train", a->loss_name, &a->loss)) return CLI_USAGE;
    if (a->json && a->hist_path && !strcmp(a->hist_path, "-")) {
        cli_error("train: --json and --history - both write standard output: give --history a file");
        return CLI_USAGE;
    }
    R->opt = a->opt_spec ? a->opt_spec : CLI_DEFAULT_OPT;
    return -1;
}

/* The optimizer (and, on --resume, the model and run record) before the data is read, so that a typo in a
 * spec fails fast. CLI_OK or the exit status after the message. */
static int setup_optimizer(train_args *a, train_state *s)
{
    if (a->resume) {
        int epochs_arg = a->R.epochs, restore_arg = a->R.restore_best;
        train_run given = a->R;
        int rc = train_run_load(a->resume, &s->m, &s->opt, &a->R, &s->meta);
        a->trained_on = a->R.data;
        a->R.data = given.data; /* the record's data name points into meta; --data names what is read now */
        if (rc != CLI_OK) return rc;
        int changed = train_run_changed(&given, a->fixed, a->arch, a->loss, &a->R, s->m);
        if (changed) {
            const struct option *o = train_opts;
            while (o->val != changed) o++;
            cli_error("train: --%s differs from the run saved in %s: --resume keeps the run's settings (give the "
                      "same value, or leave it out)", o->name, a->resume);
            return CLI_USAGE;
        }
        if (restore_arg >= 0) a->R.restore_best = restore_arg;
        a->loss = nn_model_loss_kind(s->m);
        int target = a->R.epochs; /* the record's */
        if (a->epochs_given) a->R.epochs = epochs_arg;
        /* A finished run re-run with the same command: nothing to do, and nothing is rewritten. */
        if (a->R.next_epoch >= a->R.epochs || (a->R.stopped && a->R.epochs == target)) {
            int more = a->R.next_epoch > a->R.epochs ? a->R.next_epoch : a->R.epochs;
            cli_say("nnlab: train: %s is complete (%d epochs%s); nothing to do (give --epochs above %d to "
                    "train on)\n", a->resume, a->R.next_epoch, a->R.stopped ? ", stopped early" : "", more);
            return CLI_DONE;
        }
        a->R.stopped = 0;
        if (!a->save) a->save = a->resume;
        return CLI_OK;
    }
    s->opt = nn_optim_parse(a->opt_spec ? a->opt_spec : CLI_DEFAULT_OPT);
    if (!s->opt) {
        cli_error("train: --opt: %s", nn_errmsg());
        return CLI_USAGE;
    }
    nn_schedule sc;
    if (a->R.sched && (nn_schedule_parse(a->R.sched, &sc) != NN_OK || nn_optim_set_schedule(s->opt, &sc) != NN_OK)) {
        cli_error("train: --schedule: %s", nn_errmsg());
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* Data, model (unless resumed), split and standardisation. CLI_OK or the exit status after the message. */
static int setup_data(train_args *a, train_state *s)
{
    const train_run *R = &a->R;
    char **classes = NULL;
    /* A resumed run reads labels as the classes it was trained on; a regression target keeps its values. */
    if (a->resume) classes = cli_use_model_classes(s->m);
    else if (a->loss == NN_LOSS_MSE) cli_csv.labels = NN_LABELS_VALUES;
    s->d = cli_load_data(R->data);
    free(classes);
    cli_csv.classes = NULL;
    if (!s->d) return CLI_ERR;
    nn_dataset *d = s->d;
    if (a->resume) {
        if (d->cols != nn_model_inputs(s->m)) {
            cli_error("train: --resume: %s has %d feature columns but the model in %s takes %d inputs", R->data,
                      d->cols, a->resume, nn_model_inputs(s->m));
            return CLI_ERR;
        }
        if (!train_run_same_data(R, d))
            cli_say("nnlab: train: warning: %s is not the data %s was trained on (%s, %d rows); the "
                    "resumed run will not match an uninterrupted one\n", R->data, a->resume, a->trained_on,
                    R->rows);
    } else if (!(s->m = nn_model_from_spec(d->cols, a->arch, a->loss, R->seed)) ||
               nn_model_set_init(s->m, R->init) != NN_OK) {
        cli_error("train: --arch: %s", nn_errmsg());
        return CLI_USAGE;
    }
    if (check_head(s->m, a->loss, d, R->data)) return CLI_USAGE;
    /* Refused now rather than after the training: a spec too long for the file, one path for two files. */
    if (a->save && nn_model_check_save(s->m) != NN_OK) {
        cli_error("train: --save: %s", nn_errmsg());
        return CLI_USAGE;
    }
    if (a->save && a->hist_path && cli_same_file(a->save, a->hist_path)) {
        cli_error("train: --save and --history name the same file (%s): the history would overwrite the model",
                  a->hist_path);
        return CLI_USAGE;
    }
    if (R->val > 0) {
        if (nn_dataset_split(d, R->val, R->seed, &s->tr, &s->va) != NN_OK) {
            cli_error("train: --val %g: %s", R->val, nn_errmsg());
            return CLI_USAGE;
        }
    } else if (!(s->tr = nn_dataset_subset(d, NULL, d->rows))) {
        cli_error("train: %s", nn_errmsg());
        return CLI_ERR;
    }
    if (a->resume) return CLI_OK;
    s->mean = malloc(sizeof *s->mean * (size_t)d->cols);
    s->std = malloc(sizeof *s->std * (size_t)d->cols);
    if (!s->mean || !s->std) {
        cli_error("train: out of memory");
        return CLI_ERR;
    }
    nn_dataset_fit_standardize(s->tr, s->mean, s->std);
    if (!R->standardize) cli_warn_scales("train", R->data, s->std, d->cols, "drop --no-standardize");
    else if (nn_model_set_scaling(s->m, s->mean, s->std) != NN_OK) {
        cli_error("train: standardisation: %s", nn_errmsg());
        return CLI_ERR;
    }
    return CLI_OK;
}

/* A warning on stderr when the run diverged, collapsed or ended at chance (cli_diagnose_run's rules), judged
 * on the validation accuracy per epoch, or the training accuracy without --val. */
static void diagnose(const train_state *s, int diverged)
{
    double best = 0, last = 0;
    for (int i = 0; i < s->hist.n; i++) {
        const nn_epoch_stats *e = &s->hist.epochs[i];
        last = s->va ? e->val_acc : e->acc;
        if (last > best) best = last;
    }
    char msg[512];
    if ((diverged || s->hist.n > 0) && cli_diagnose_run(diverged, best, last, &s->hist, nn_model_classes(s->m),
                                                        "set the learning rate in --opt (see docs/defaults.md)", msg,
                                                        sizeof msg))
        cli_say("nnlab: train: warning: %s\n", msg);
}

/* nn_fit with progress; records in a->R where the run continues. CLI_OK (also when interrupted: s->st says)
 * or the exit status after the message. */
static int fit(train_args *a, train_state *s)
{
    train_run *R = &a->R;
    nn_fit_opts fo = nn_fit_defaults();
    fo.epochs = R->epochs;
    fo.initial_epoch = R->next_epoch;
    fo.initial_batch = R->next_batch;
    fo.batch_size = R->batch;
    fo.seed = R->seed;
    fo.val = s->va;
    fo.patience = R->patience;
    if (R->restore_best < 0) R->restore_best = R->patience > 0;
    fo.restore_best = R->restore_best;
    fo.l1 = R->l1;
    fo.l2 = R->l2;
    fo.clip_norm = R->clip_norm;
    fo.clip_value = R->clip_value;
    train_watch *w = &s->w;
    *w = (train_watch){.epoch = R->next_epoch - 1, .batch = -1, .nbatches = 1};
    cli_progress_init(&w->prog, "", R->epochs);
    w->prog.regression = nn_model_loss_kind(s->m) == NN_LOSS_MSE;
    a->first_epoch = R->next_epoch;
    fo.on_batch = watch_batch;
    fo.on_epoch = watch_epoch;
    fo.user = w;
    if (cli_dist_fit_opts(&fo, s->m)) {
        cli_error("train: MPI: cannot set up data-parallel training");
        return CLI_ERR;
    }
    cli_install_sigint();
    s->st = nn_fit(s->m, s->opt, s->tr, &fo, &s->hist);
    cli_progress_end();
    if (s->st != NN_OK && s->st != NN_EINTR) {
        cli_error("train: %s", nn_errmsg());
        if (s->st == NN_ENONFINITE) diagnose(s, 1);
        /* The history of a diverged run is what explains it; the model itself is not worth keeping. */
        if (a->hist_path && s->hist.n > 0 && cli_dist_rank() == 0)
            write_history(a->hist_path, &s->hist, a->first_epoch, nn_model_loss_kind(s->m) == NN_LOSS_MSE);
        return s->st == NN_EINVAL || s->st == NN_ESHAPE ? CLI_USAGE : CLI_ERR;
    }
    /* A finished epoch (or early stop) continues at the next epoch; a stop inside one at the next batch. */
    if (s->st == NN_OK || w->batch + 1 >= w->nbatches) {
        R->next_epoch = w->epoch + 1;
        R->next_batch = 0;
    } else {
        R->next_epoch = w->epoch;
        R->next_batch = w->batch + 1;
    }
    if (s->st == NN_EINTR)
        cli_error("train: interrupted in epoch %d of %d%s", w->epoch + 1, R->epochs,
                  a->save ? "; saving the model as it is (continue with --resume)" : "");
    const nn_history *h = &s->hist;
    R->stopped = h->stopped_early;
    if (h->n > 0 && h->stopped_early && h->restored)
        cli_say("nnlab: train: stopped at epoch %d, restoring the best weights from epoch %d\n",
                h->epochs[h->n - 1].epoch + 1, h->best_epoch + 1);
    else if (h->n > 0 && h->stopped_early)
        cli_say("nnlab: train: stopped at epoch %d, keeping its weights (the best were from epoch %d; "
                "--no-restore-best)\n", h->epochs[h->n - 1].epoch + 1, h->best_epoch + 1);
    else if (h->restored)
        cli_say("nnlab: train: restoring the best weights from epoch %d (of %d)\n", h->best_epoch + 1,
                h->epochs[h->n - 1].epoch + 1);
    return CLI_OK;
}

/* Saves the model and history, prints the final scores. The exit status. */
static int finish(train_args *a, train_state *s)
{
    const train_run *R = &a->R;
    /* Every rank holds the same parameters; rank 0 writes them. */
    if (cli_dist_rank() > 0) a->save = a->hist_path = NULL;
    double tl, ta, vl = 0, vacc = 0;
    if (nn_evaluate(s->m, s->tr, 0, &tl, &ta) != NN_OK ||
        (s->va && nn_evaluate(s->m, s->va, 0, &vl, &vacc) != NN_OK)) {
        cli_error("train: evaluating the trained model: %s", nn_errmsg());
        return CLI_ERR;
    }
    /* Finite weights can still overflow the outputs (a last update far too large): such a model is useless,
     * and like a diverged run it is reported and not saved. */
    if (!isfinite(tl) || !isfinite(vl)) {
        cli_error("train: the trained model's %s loss is %g: the last update diverged (learning rate too high?); "
                  "the model is not saved", !isfinite(tl) ? "training" : "validation", !isfinite(tl) ? tl : vl);
        if (a->hist_path) write_history(a->hist_path, &s->hist, a->first_epoch, nn_model_loss_kind(s->m) == NN_LOSS_MSE);
        return CLI_ERR;
    }
    if (a->save) {
        char *meta = train_run_meta(R, s->d);
        if (!meta) {
            cli_error("train: out of memory");
            return CLI_ERR;
        }
        nn_status st = nn_model_set_meta(s->m, meta);
        free(meta);
        if (st != NN_OK || nn_model_save_with(s->m, s->opt, a->save) != NN_OK) {
            cli_error("train: --save: %s", nn_errmsg());
            return CLI_ERR;
        }
    }
    if (a->hist_path &&
        write_history(a->hist_path, &s->hist, a->first_epoch, nn_model_loss_kind(s->m) == NN_LOSS_MSE))
        return CLI_ERR;
    int classify = cli_scores_accuracy(s->m, s->d);
    if (classify) diagnose(s, 0);
    /* With --json the document is the only thing on standard output; the line goes to stderr. */
    FILE *line = a->json ? stderr : stdout;
    fprintf(line, "epochs=%d ", R->next_epoch);
    cli_print_scores(line, "train_", tl, ta, classify);
    if (s->va) {
        fputc(' ', line);
        cli_print_scores(line, "val_", vl, vacc, classify);
    }
    fputc('\n', line);
    fflush(line);
    if (a->json && cli_dist_rank() == 0)
        train_json_write(stdout, &(train_json_run){
            .data = R->data, .d = s->d, .m = s->m, .opt = R->opt, .init = R->init, .seed = R->seed,
            .batch = R->batch, .val = R->val, .epochs = R->next_epoch, .first_epoch = a->first_epoch + 1,
            .interrupted = s->st == NN_EINTR, .hist = &s->hist, .model = a->save, .final = {tl, ta, vl, vacc},
            .classify = classify, .has_val = s->va != NULL});
    return s->st == NN_EINTR ? CLI_ERR : CLI_OK;
}

int cmd_train(int argc, char **argv)
{
    /* Under mpirun every rank runs the command; rank 0 prints, the others' errors reach it through
     * cli_dist_all_ok, so that an error every rank meets is printed once (as compare does). */
    if (cli_dist_rank() > 0) cli_errors_muted = 1;
    train_args a = {.R = {.epochs = CLI_DEFAULT_EPOCHS, .batch = 32, .seed = 1, .standardize = 1, .restore_best = -1}};
    int rc = parse_train_args(argc, argv, &a);
    if (rc >= 0) return rc;
    train_state s = {0};
    if ((rc = setup_optimizer(&a, &s)) == CLI_OK) {
        if (a.threads > 0) nn_set_threads(a.threads);
        rc = setup_data(&a, &s);
    }
    /* Under mpirun every rank gets here: one that could not read its data stops them all. */
    if (!cli_dist_all_ok(rc == CLI_OK) && rc == CLI_OK) rc = CLI_ERR;
    if (rc == CLI_OK && (rc = fit(&a, &s)) == CLI_OK) rc = finish(&a, &s);
    train_free(&s);
    return rc == CLI_DONE ? CLI_OK : rc;
}
