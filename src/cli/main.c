/* main.c: the nnlab command: picks the subcommand from argv[1] and hands it the rest of the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"train", cmd_train, "train a model on a data set and save it"},
    {"eval", cmd_eval, "loss, accuracy and confusion matrix of a saved model on a data set (or: evaluate)"},
    {"predict", cmd_predict, "class and class probabilities for feature rows"},
    {"compare", cmd_compare, "train several configurations and compare them (tables, plots, report)"},
    {"trace", cmd_trace, "one sample forward and backward through a small net, step by step"},
    {"gradcheck", cmd_gradcheck, "check backward gradients against finite differences"},
    {"act", cmd_act, "list activation functions, evaluate or plot one"},
    {"datasets", cmd_datasets, "list the bundled data sets, generate toy data sets"},
    {"playground", cmd_playground, "write the browser playground (built with NNLAB_WEB) to a folder"},
    {"info", cmd_info, "version, build options, BLAS, its kernels and the CPU's vector extensions"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f, "usage: nnlab [--verbose] COMMAND [OPTIONS]\n"
               "       nnlab COMMAND --help\n"
               "       nnlab --version\n\n"
               "commands:\n");
    for (int i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n--verbose says when nnlab restarts itself with better OpenBLAS kernels (docs/cli.md).\n"
               "\nexit status: 0 success, 1 runtime error, 2 usage error.\n"
               "Documentation: man nnlab; docs/cli.md (installed in share/doc/nnlab).\n");
}

static void list_commands(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < NCOMMANDS && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", commands[i].name);
}

/* A command by name, or NULL; "evaluate" (Keras's word) is eval. */
static const command *find_command(const char *name)
{
    if (!strcmp(name, "evaluate")) name = "eval";
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(name, commands[i].name)) return &commands[i];
    return NULL;
}

/* Commands that split their work over the ranks of an MPI run; the others run on rank 0 alone. */
static int distributed(const char *cmd) { return !strcmp(cmd, "train") || !strcmp(cmd, "compare"); }

static int dispatch(int argc, char **argv)
{
    char names[256];
    list_commands(names, sizeof names);
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        /* "nnlab help train" is the same as "nnlab train --help". */
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            const command *c = find_command(argv[2]);
            if (c) {
                static char help_opt[] = "--help";
                char *sub[] = {argv[2], help_opt, NULL};
                return c->run(2, sub);
            }
            cli_error("unknown command '%s' (valid: %s)", argv[2], names);
            return CLI_USAGE;
        }
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
        printf("nnlab %s (%s)\n", NNLAB_VERSION_STRING, sizeof(nn_real) == sizeof(double) ? "double" : "float");
        return CLI_OK;
    }
    /* The library falls back to the core count on a bad value; a command line should say so instead. */
    const char *threads = getenv("NNLAB_THREADS");
    char *end;
    long t = threads ? strtol(threads, &end, 10) : 1;
    if (threads && *threads && (end == threads || *end || t < 1 || t > 4096)) {
        cli_error("NNLAB_THREADS='%s' is not a whole number in [1, 4096]", threads);
        return CLI_USAGE;
    }
    const command *c = find_command(cmd);
    if (c) {
        cli_command = c->name;
        return cli_dist_rank() == 0 || distributed(c->name) ? c->run(argc - 1, argv + 1) : CLI_OK;
    }
    const char *cmds[NCOMMANDS + 1];
    for (int i = 0; i < NCOMMANDS; i++) cmds[i] = commands[i].name;
    cmds[NCOMMANDS] = NULL;
    const char *near = nn_nearest_name(cmd, cmds);
    if (cmd[0] == '-') cli_error("unknown option '%s' (valid: --help, --version)", cmd);
    else if (near) cli_error("unknown command '%s'; did you mean '%s'? (valid: %s)", cmd, near, names);
    else cli_error("unknown command '%s' (valid: %s)", cmd, names);
    fprintf(stderr, "Try 'nnlab --help'.\n");
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    /* Before anything else runs: a restart with the right kernels keeps argv, so the child sees
     * --verbose too and NNLAB_BLAS_REEXEC stops it from restarting again. */
    int verbose = argc > 1 && !strcmp(argv[1], "--verbose");
    if (nn_blas_reexec_best(argv, verbose ? stderr : NULL) != NN_OK) cli_error("%s", nn_errmsg());
    if (verbose) argc--, argv++;
    if (cli_dist_init(&argc, &argv)) {
        cli_error("cannot start MPI");
        return CLI_ERR;
    }
    int rc = dispatch(argc, argv);
    cli_dist_finish();
    return rc;
}
