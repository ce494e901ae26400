/* compare_opts.c: nnlab compare's command line: --help, the options, the --acts list. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

static const char compare_help[] =
    "usage: nnlab compare [--data D] [options]\n"
    "Train the same architecture once per activation and seed, print a table (rank groups by a paired\n"
    "t-test over seeds, means with 95% intervals) on stdout\n"
    "and write a report (results.csv, results.json, charts, index.html) into --out.\n"
    "Without --data: the bundled suite xor, moons, circles, spirals, one sub-report each.\n\n"
    "  --data D            bundled data set name, CSV file or - (standard input)\n"
    "  --label-col C, --drop-cols A,B, --delimiter D: how to read a CSV file, as for train\n"
    "  --acts LIST         activations, comma-separated (default " CMP_DEFAULT_ACTS ")\n"
    "  --seeds N           seeds 1..N per activation (default 10)\n"
    "  --epochs N          epochs per run (default " CLI_STR(CLI_DEFAULT_EPOCHS) "; suite: per task)\n"
    "  --arch-template S   layers with ACT for the activation and C for the class count\n"
    "                      (default " CMP_DEFAULT_TEMPLATE ")\n"
    "  --init NAME         initialiser of the template's dense and maxout layers: torch, keras, he_normal, ...\n"
    "                      (default auto: from the activation that follows)\n"
    "  --opt SPEC          optimizer (default " CLI_DEFAULT_OPT ")\n"
    "  --variants LIST     compare remedies (default activation: relu, or the one --acts gives):\n"
    "                      OPT[+REMEDY...], e.g. \"sgd,adam:lr=1e-3,sgd+batchnorm,sgd+clip-norm=1\";\n"
    "                      OPT is an optimizer spec (a bare name equal to --opt's means --opt);\n"
    "                      REMEDY: " REMEDIES "\n"
    "  --tune-lr           choose each row's learning rate from --lr-grid by mean validation accuracy\n"
    "                      on tuning seeds 1001.. (not the reported ones), runs of half the epochs\n"
    "                      (default: on for the bundled suite, off with --data; --no-tune-lr: off)\n"
    "  --lr-grid LIST      learning rates to try (default: the optimizer's rate x3,1,0.3,0.1 for sgd,\n"
    "                      x10,3,1,0.3 for adaptive optimizers); implies --tune-lr\n"
    "  --tune-seeds N      tuning seeds per rate (default 2)\n"
    "  --lesson deep       the depth lesson: 16 x 64 MLP on moons with sigmoid, tanh, relu, elu, selu,\n"
    "                      layers measured at initialisation and after training (docs/compare.md)\n"
    "  --batch B           batch size (default 32)\n"
    "  --val F             validation fraction, split with each seed (default 0.2)\n"
    "  --target-acc A      accuracy for the epochs-to-target column (default 0.9)\n"
    "  --out DIR           report directory (default nnlab-report), created if missing\n"
    "  --threads T         runs trained at once (default: NNLAB_THREADS or all cores)\n"
    "  --no-timing         record no wall times (ms_per_epoch and seconds are empty), so that the\n"
    "                      same options give byte-identical reports, also under mpirun\n"
    "  --quiet             no progress on stderr\n"
    "Columns and files are described in docs/compare.md. Ctrl-C stops after the current batch,\n"
    "writes the report of what was trained and exits with status 1.\n"
    "Under mpirun -np N the runs are spread over N processes (docs/distributed.md).\n";

enum { OPT_DATA = 256, OPT_ACTS, OPT_SEEDS, OPT_EPOCHS, OPT_TEMPLATE, OPT_OPT, OPT_BATCH, OPT_VAL, OPT_TARGET,
       OPT_OUT, OPT_THREADS, OPT_QUIET, OPT_HELP, OPT_VARIANTS, OPT_TUNE, OPT_NO_TUNE, OPT_GRID, OPT_TUNE_SEEDS,
       OPT_LESSON, OPT_NO_TIMING, OPT_INIT };

static const struct option compare_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},         {"acts", required_argument, NULL, OPT_ACTS},
    {"seeds", required_argument, NULL, OPT_SEEDS},       {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"arch-template", required_argument, NULL, OPT_TEMPLATE}, {"opt", required_argument, NULL, OPT_OPT},
    {"batch", required_argument, NULL, OPT_BATCH},       {"val", required_argument, NULL, OPT_VAL},
    {"target-acc", required_argument, NULL, OPT_TARGET}, {"out", required_argument, NULL, OPT_OUT},
    {"threads", required_argument, NULL, OPT_THREADS},   {"quiet", no_argument, NULL, OPT_QUIET},
    {"variants", required_argument, NULL, OPT_VARIANTS}, {"help", no_argument, NULL, OPT_HELP},
    {"tune-lr", no_argument, NULL, OPT_TUNE},           {"no-tune-lr", no_argument, NULL, OPT_NO_TUNE},
    {"lr-grid", required_argument, NULL, OPT_GRID},      {"tune-seeds", required_argument, NULL, OPT_TUNE_SEEDS},
    {"lesson", required_argument, NULL, OPT_LESSON},     {"no-timing", no_argument, NULL, OPT_NO_TIMING},
    {"init", required_argument, NULL, OPT_INIT},
    CLI_DATA_OPTIONS,                                    {NULL, 0, NULL, 0},
};

/* Activation specs carry their own parameters after commas ("srelu:t_l=-1,a_l=0.1"): split as --arch is. */
int cmp_parse_acts(const char *list, cmp_act_list *out)
{
    size_t len = strlen(list);
    out->n = 0;
    out->spec = calloc(len + 1, sizeof *out->spec);
    if (!out->spec) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    size_t pos = 0;
    do {
        if (nn_spec_list_next(list, &pos, out->spec[out->n], sizeof *out->spec) != NN_OK) {
            cli_error("compare: --acts: %s", nn_errmsg());
            return CLI_USAGE;
        }
        out->n++;
    } while (list[pos]);
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
}

/* The value checks of the options that take a number; 0 or -1 after printing the error. */
static int parse_number(int c, const char *arg, cmp_settings *o)
{
    switch (c) {
    case OPT_SEEDS: o->seeds_set = 1; return cli_parse_int("compare", "seeds", arg, 1, 1000, &o->seeds);
    case OPT_TUNE_SEEDS: return cli_parse_int("compare", "tune-seeds", arg, 1, 100, &o->tune_seeds);
    case OPT_EPOCHS: o->epochs_set = 1; return cli_parse_int("compare", "epochs", arg, 1, 1000000, &o->epochs);
    case OPT_BATCH: return cli_parse_int("compare", "batch", arg, 1, 1 << 24, &o->batch);
    case OPT_THREADS: return cli_parse_int("compare", "threads", arg, 1, 256, &o->threads);
    case OPT_VAL:
        if (cli_parse_double("compare", "val", arg, &o->val)) return -1;
        if (o->val >= 0 && o->val < 1) return 0;
        cli_error("compare: --val %s is not a fraction in [0, 1)", arg);
        return -1;
    case OPT_TARGET:
        if (cli_parse_double("compare", "target-acc", arg, &o->target)) return -1;
        if (o->target >= 0 && o->target <= 1) return 0;
        cli_error("compare: --target-acc %s is not an accuracy in [0, 1]", arg);
        return -1;
    default: return -1;
    }
}

/* --lesson deep: what the articles on depth and activations describe, small enough for a class. 16 x 64 so that
 * sigmoid's gradients vanish by orders of magnitude; Adam 1e-3 because SGD with momentum at 0.01 made elu diverge on
 * every seed (measured, docs/compare.md); moons because it is 2-D and quick. Options given explicitly win. */
static int apply_lesson(cmp_settings *o)
{
    static char tmpl[16 * 16 + 16];
    if (strcmp(o->lesson, "deep")) {
        cli_error("compare: --lesson '%s' is not a lesson (the lessons: deep)", o->lesson);
        return -1;
    }
    size_t k = 0;
    for (int l = 0; l < CMP_DEEP_LAYERS; l++) k += (size_t)snprintf(tmpl + k, sizeof tmpl - k, "dense:%d,ACT,", CMP_DEEP_WIDTH);
    snprintf(tmpl + k, sizeof tmpl - k, "dense:C");
    if (!o->data) o->data = "moons";
    if (!o->acts_set) o->acts = "sigmoid,tanh,relu,elu,selu";
    if (!o->tmpl_set) o->tmpl = tmpl;
    if (!o->opt_set) o->opt = "adam:lr=1e-3";
    if (!o->seeds_set) o->seeds = 5;
    if (!o->epochs_set) o->epochs = 40;
    o->probe_init = 1;
    return 0;
}

int cmp_parse_args(int argc, char **argv, cmp_settings *o, int *help)
{
    *o = (cmp_settings){.acts = CMP_DEFAULT_ACTS, .tmpl = CMP_DEFAULT_TEMPLATE, .opt = CLI_DEFAULT_OPT,
                        .out = "nnlab-report", .seeds = 10, .tune = -1, .tune_seeds = 2, .seed0 = 1, .epochs = CLI_DEFAULT_EPOCHS, .batch = 32, .val = 0.2, .target = 0.9};
    *help = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", compare_opts, NULL)) != -1) {
        switch (c) {
        case OPT_DATA: o->data = optarg; break;
        case OPT_ACTS: o->acts = optarg, o->acts_set = 1; break;
        case OPT_VARIANTS: o->variants = optarg; break;
        case OPT_TEMPLATE: o->tmpl = optarg, o->tmpl_set = 1; break;
        case OPT_OPT: o->opt = optarg, o->opt_set = 1; break;
        case OPT_TUNE: o->tune = 1; break;
        case OPT_NO_TUNE: o->tune = 0; break;
        case OPT_GRID: o->lr_grid = optarg, o->tune = 1; break;
        case OPT_LESSON: o->lesson = optarg; break;
        case OPT_INIT:
            if (cli_parse_init("compare", optarg, &o->init)) return CLI_USAGE;
            break;
        case OPT_OUT: o->out = optarg; break;
        case OPT_QUIET: cli_quiet = 1; break;
        case OPT_NO_TIMING: o->no_timing = 1; break;
        case OPT_HELP: fputs(compare_help, stdout); *help = 1; return CLI_OK;
        case OPT_SEEDS: case OPT_EPOCHS: case OPT_TUNE_SEEDS: case OPT_BATCH: case OPT_THREADS: case OPT_VAL: case OPT_TARGET:
            if (parse_number(c, optarg, o)) return CLI_USAGE;
            break;
        case CLI_OPT_LABEL_COL: case CLI_OPT_DROP_COLS: case CLI_OPT_DELIMITER:
            if (cli_data_option("compare", c, optarg)) return CLI_USAGE;
            break;
        default: return cli_bad_option("compare", argv, compare_opts);
        }
    }
    if (optind < argc) {
        cli_error("compare: unexpected argument '%s' (options take the form --name VALUE)", argv[optind]);
        return CLI_USAGE;
    }
    if (!*o->out) {
        cli_error("compare: --out needs a directory name");
        return CLI_USAGE;
    }
    if (o->lesson && apply_lesson(o)) return CLI_USAGE;
    if (o->variants && !o->acts_set) o->acts = "relu";
    return CLI_OK;
}
