/* datasets.c: nnlab datasets: list the bundled data sets, generate toy data sets, convert CSV files. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char datasets_help[] =
    "usage: nnlab datasets [list]\n"
    "       nnlab datasets gen NAME -o FILE|- [--n N] [--noise X] [--classes K] [--seed S]\n"
    "       nnlab datasets convert FILE|-|NAME -o FILE|- [--label-col C] [--drop-cols A,B] [--delimiter D]\n"
    "list: the bundled data sets (name, rows, features, classes; classes 0 = regression) of the data\n"
    "      directory ($NNLAB_DATA, else ../share/nnlab/data beside the binary, else the source tree's data/).\n"
    "gen:  a seeded toy data set written as CSV with a '#' line recording the settings.\n"
    "      NAME: %s\n"
    "      --n N (default 300) --noise X (default 0.1) --classes K (default 2; 3 for spirals)\n"
    "      --seed S (default 1) -o/--output FILE (required; - for standard output)\n"
    "convert: read a CSV file as train does (delimiter and header detected, text labels mapped to class\n"
    "      ids; notes on stderr) and write it as nnlab writes data sets: features, then the label, commas.\n"
    CLI_DATA_HELP;

static void print_help(void)
{
    char names[512];
    size_t len = 0;
    names[0] = '\0';
    for (const char *const *g = nn_dataset_generators(); *g && len < sizeof names; g++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", g == nn_dataset_generators() ? "" : ", ", *g);
    printf(datasets_help, names);
}

static int list(void)
{
    const char *dir = cli_data_dir();
    char **names = cli_bundled_names();
    if (!names) {
        cli_error("datasets: cannot open the data directory %s (set NNLAB_DATA)", dir);
        return CLI_ERR;
    }
    int rc = CLI_OK;
    printf("%-16s %8s %8s %8s\n", "name", "rows", "features", "classes");
    for (char **n = names; *n; n++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", dir, *n);
        nn_dataset *d = nn_dataset_read_csv(path, &cli_csv);
        if (!d) {
            cli_error("datasets: %s", nn_errmsg());
            rc = CLI_ERR;
        } else {
            printf("%-16s %8d %8d %8d\n", *n, d->rows, d->cols, d->nclasses);
        }
        nn_dataset_free(d);
    }
    if (!*names) fprintf(stderr, "nnlab: datasets: no *.csv files in %s\n", dir);
    free(names);
    return rc;
}

/* Writes d to out ("-": standard output). CLI_OK or CLI_ERR after the message. */
static int write_data(const char *cmd, const nn_dataset *d, const char *out, const char *comment)
{
    /* nn_dataset_save_csv writes a temporary file and renames it: no partial output. */
    nn_status st = strcmp(out, "-") ? nn_dataset_save_csv(d, out, comment) : nn_dataset_write_csv(d, stdout, comment);
    if (st != NN_OK) {
        cli_error("%s: %s", cmd, nn_errmsg());
        return CLI_ERR;
    }
    if (!cli_quiet)
        fprintf(stderr, "wrote %s: %d rows, %d features, %d classes\n", strcmp(out, "-") ? out : "<stdout>", d->rows,
                d->cols, d->nclasses);
    return CLI_OK;
}

enum { OPT_N = 256, OPT_NOISE, OPT_CLASSES, OPT_SEED, OPT_HELP };
static const struct option gen_opts[] = {
    {"n", required_argument, NULL, OPT_N},           {"noise", required_argument, NULL, OPT_NOISE},
    {"classes", required_argument, NULL, OPT_CLASSES}, {"seed", required_argument, NULL, OPT_SEED},
    {"output", required_argument, NULL, 'o'},        {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int gen(int argc, char **argv)
{
    int n = 300, classes = 0;
    double noise = 0.1;
    uint64_t seed = 1;
    const char *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", gen_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_N: bad = cli_parse_int("datasets gen", "n", optarg, 1, 100000000, &n); break;
        case OPT_NOISE:
            bad = cli_parse_double("datasets gen", "noise", optarg, &noise);
            if (!bad && noise < 0) {
                cli_error("datasets gen: --noise %s is negative", optarg);
                bad = 1;
            }
            break;
        case OPT_CLASSES: bad = cli_parse_int("datasets gen", "classes", optarg, 2, 1000, &classes); break;
        case OPT_SEED: bad = cli_parse_seed("datasets gen", optarg, &seed); break;
        case 'o': out = optarg; break;
        case OPT_HELP: print_help(); return CLI_OK;
        default: return cli_bad_option("datasets gen", argv, gen_opts);
        }
        if (bad) return CLI_USAGE;
    }
    if (optind >= argc) {
        cli_error("datasets gen: give a generator NAME (see 'nnlab datasets --help')");
        return CLI_USAGE;
    }
    const char *name = argv[optind++];
    if (optind < argc) {
        cli_error("datasets gen: unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    int known = 0;
    for (const char *const *g = nn_dataset_generators(); *g; g++) known |= !strcmp(*g, name);
    if (!out) {
        cli_error("datasets gen: -o FILE is required");
        return CLI_USAGE;
    }
    if (!classes) classes = !strcmp(name, "spirals") ? 3 : 2;
    nn_dataset *d = nn_dataset_generate(name, n, classes, noise, seed);
    if (!d) {
        cli_error("datasets gen: %s", nn_errmsg());
        return known ? CLI_ERR : CLI_USAGE;
    }
    char comment[512];
    snprintf(comment, sizeof comment, "nnlab datasets gen %s --n %d --noise %g --classes %d --seed %llu", name, n,
             noise, classes, (unsigned long long)seed);
    int rc = write_data("datasets gen", d, out, comment);
    nn_dataset_free(d);
    return rc;
}

static const struct option convert_opts[] = {
    CLI_DATA_OPTIONS, {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
};

static int convert(int argc, char **argv)
{
    const char *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", convert_opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == OPT_HELP) {
            print_help();
            return CLI_OK;
        } else if (c < CLI_OPT_LABEL_COL || c > CLI_OPT_DELIMITER) return cli_bad_option("datasets convert", argv, convert_opts);
        else if (cli_data_option("datasets convert", c, optarg)) return CLI_USAGE;
    }
    if (optind + 1 != argc || !out) {
        cli_error("datasets convert: give one input FILE (or -) and -o FILE (or -)");
        return CLI_USAGE;
    }
    nn_dataset *d = cli_load_data(argv[optind]);
    if (!d) return CLI_ERR;
    int rc = write_data("datasets convert", d, out, NULL);
    nn_dataset_free(d);
    return rc;
}

int cmd_datasets(int argc, char **argv)
{
    opterr = 0;
    if (argc >= 2 && !strcmp(argv[1], "gen")) return gen(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "convert")) return convert(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        print_help();
        return CLI_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "list") && argc == 2) return list();
    if (argc == 1) return list();
    if (argv[1][0] == '-') cli_error("datasets: unknown option '%s' (valid: --help)", argv[1]);
    else cli_error("datasets: unknown action '%s' (valid: list, gen, convert)", argv[1]);
    return CLI_USAGE;
}
