/* act.c: nnlab act: list the activation table, evaluate a function and its derivative at points, plot it. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char act_help[] =
    "usage: nnlab act --list [--markdown]  every record (--markdown: the table of docs/activations.md)\n"
    "       nnlab act SPEC                 describe one function\n"
    "       nnlab act SPEC [--] X...       print x, f(x), f'(x) per X (tab-separated)\n"
    "       nnlab act SPEC --plot FILE.svg f and f' over [-5, 5] (also FILE.png; needs gnuplot)\n"
    "SPEC is NAME[:key=value,...], e.g. relu, elu:alpha=0.5, leaky_relu:negative_slope=0.2.\n"
    "Put negative X after '--': nnlab act relu -- -3 -1 0 2\n"
    "Values are those of inference mode (rrelu uses the mean slope (lower+upper)/2).\n";

enum { OPT_LIST = 256, OPT_MARKDOWN, OPT_PLOT, OPT_HELP };
static const struct option act_opts[] = {
    {"list", no_argument, NULL, OPT_LIST},
    {"markdown", no_argument, NULL, OPT_MARKDOWN},
    {"plot", required_argument, NULL, OPT_PLOT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const char *yes(int b) { return b ? "yes" : "no"; }

/* A parameter's valid values as the record declares them: "> 0", ">= lower", "1..8", "none|tanh"; "" if any. */
static void valid_values(const nn_act_info *in, const nn_act_param_info *p, char *buf, size_t size)
{
    buf[0] = '\0';
    if (p->kind == NN_ACT_PARAM_CHOICE) snprintf(buf, size, "%s", p->choices);
    else if (p->kind == NN_ACT_PARAM_INT) snprintf(buf, size, "%g..%g", p->lo, p->hi);
    else if (p->lo_key >= 0) snprintf(buf, size, "%s %s", p->lo_open ? ">" : ">=", in->params[p->lo_key].name);
    else if (p->lo > -INFINITY) snprintf(buf, size, "%s %g", p->lo_open ? ">" : ">=", p->lo);
}

static void describe(FILE *f, const nn_act_info *in, const nn_act *a)
{
    fprintf(f, "%s\n", in->name);
    fprintf(f, "  f(x)       %s\n", in->formula);
    fprintf(f, "  f'(x)      %s\n", in->derivative);
    fprintf(f, "  range      %s\n", in->range);
    fprintf(f, "  properties monotonic=%s zero_centred=%s saturating=%s learnable=%s\n", yes(in->monotonic),
            yes(in->zero_centred), yes(in->saturating), yes(in->learnable));
    fprintf(f, "  kinks      %s\n", *in->kinks ? in->kinks : "none");
    if (in->nparams == 0) fprintf(f, "  parameters none\n");
    for (int i = 0; i < in->nparams; i++) {
        const nn_act_param_info *p = &in->params[i];
        /* With a parsed spec the value in use is shown, else the default. */
        double v = a && i < a->np ? (double)a->p[i] : p->def;
        char valid[64];
        valid_values(in, p, valid, sizeof valid);
        fprintf(f, "  %-10s %s=%.10g  %s%s%s%s", i == 0 ? "parameters" : "", p->name, v, p->doc ? p->doc : "",
                *valid ? " (" : "", valid, *valid ? ")" : "");
        if (p->aliases) {
            fputs("; also named ", f);
            for (const char *c = p->aliases; *c; c++) fputs(*c == '|' ? ", " : (char[2]){*c, 0}, f);
        }
        fputc('\n', f);
    }
    if (in->source && *in->source) fprintf(f, "  source     %s\n", in->source);
}

/* s with '|' escaped, for a markdown table cell. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) fprintf(f, *s == '|' ? "\\|" : "%c", *s);
}

static const char *init_abbrev(nn_init init)
{
    switch (init) {
    case NN_INIT_HE_NORMAL: return "HE";
    case NN_INIT_LECUN_NORMAL: return "LC";
    case NN_INIT_XAVIER_UNIFORM: return "XU";
    default: return "?";
    }
}

/* The table of docs/activations.md, one row per record (a test checks the page against the records). */
static void markdown_table(FILE *f)
{
    fprintf(f, "| name | f(x) | defaults (valid values) | f'(x) | props | kinks | init | source |\n"
               "|---|---|---|---|---|---|---|---|\n");
    for (int id = 0; id < NN_ACT_COUNT; id++) {
        const nn_act_info *in = nn_act_info_of((nn_act_id)id);
        fprintf(f, "| %s | ", in->name);
        md_cell(f, in->formula);
        fprintf(f, " | ");
        for (int i = 0; i < in->nparams; i++) {
            const nn_act_param_info *p = &in->params[i];
            char valid[64];
            valid_values(in, p, valid, sizeof valid);
            fprintf(f, "%s%s=%.10g", i ? ", " : "", p->name, p->def);
            if (*valid) {
                fprintf(f, " (");
                md_cell(f, valid);
                fprintf(f, ")");
            }
        }
        if (in->learnable) fprintf(f, "%slearn=%d, shared=%d", in->nparams ? "; " : "", in->learn, in->shared);
        fprintf(f, " | ");
        md_cell(f, in->derivative);
        fprintf(f, " |%s%s%s%s | %s | %s | %s |\n", in->monotonic ? " M" : "", in->zero_centred ? " Z" : "",
                in->saturating ? " S" : "", in->learnable ? " L" : "", in->kinks, init_abbrev(in->init), in->source);
    }
}

static int plot(const char *spec, const nn_act *a, const char *file)
{
    enum { N = 401 };
    static double x[N], y[N], dy[N];
    char base[4096];
    size_t len = strlen(file);
    if (len >= sizeof base) {
        cli_error("act: --plot: file name too long");
        return CLI_USAGE;
    }
    memcpy(base, file, len + 1);
    /* cli_plot_lines renders both base.svg and base.png; either extension names the same base. */
    if (len > 4 && (!strcmp(base + len - 4, ".svg") || !strcmp(base + len - 4, ".png"))) base[len - 4] = '\0';
    for (int i = 0; i < N; i++) {
        nn_real d;
        x[i] = -5.0 + 10.0 * i / (N - 1);
        y[i] = (double)nn_act_eval(a, (nn_real)x[i], &d);
        dy[i] = (double)d;
    }
    char title[600];
    snprintf(title, sizeof title, "%s and its derivative", spec);
    const cli_series s[2] = {{"f(x)", x, y, N}, {"f'(x)", x, dy, N}};
    int r = cli_plot_lines(base, title, "x", "", s, 2);
    if (r < 0) return CLI_ERR;
    if (r > 0) {
        cli_error("act: gnuplot is not installed: wrote %s.dat and %s.gp but no picture", base, base);
        return CLI_ERR;
    }
    fprintf(stderr, "wrote %s.svg and %s.png\n", base, base);
    return CLI_OK;
}

int cmd_act(int argc, char **argv)
{
    int list = 0, markdown = 0;
    const char *plot_file = NULL;
    int c;
    opterr = 0;
    /* '+' stops at the first non-option: what follows the spec are points, and "-3" is not an option there. */
    while ((c = getopt_long(argc, argv, "+:", act_opts, NULL)) != -1) {
        switch (c) {
        case OPT_LIST: list = 1; break;
        case OPT_MARKDOWN: markdown = 1; break;
        case OPT_PLOT: plot_file = optarg; break;
        case OPT_HELP: fputs(act_help, stdout); return CLI_OK;
        default: return cli_bad_option("act", argv, act_opts);
        }
    }
    if (list) {
        if (optind < argc) {
            cli_error("act: --list takes no arguments, got '%s'", argv[optind]);
            return CLI_USAGE;
        }
        if (markdown) {
            markdown_table(stdout);
            return CLI_OK;
        }
        for (int id = 0; id < NN_ACT_COUNT; id++) {
            const nn_act_info *in = nn_act_info_of((nn_act_id)id);
            if (!in) continue;
            if (id) putchar('\n');
            describe(stdout, in, NULL);
        }
        return CLI_OK;
    }
    if (markdown) {
        cli_error("act: --markdown goes with --list");
        return CLI_USAGE;
    }
    if (optind >= argc) {
        cli_error("act: give --list or an activation SPEC (see 'nnlab act --help')");
        return CLI_USAGE;
    }
    const char *spec = argv[optind++];
    nn_act a;
    if (nn_act_parse(spec, &a) != NN_OK) {
        cli_error("act: %s", nn_errmsg());
        return CLI_USAGE;
    }
    /* Options may also follow the spec: "act relu --plot f.svg". */
    while (optind < argc) {
        if (!strcmp(argv[optind], "--plot") && optind + 1 < argc) {
            plot_file = argv[optind + 1];
            optind += 2;
        } else if (!strncmp(argv[optind], "--plot=", 7)) {
            plot_file = argv[optind++] + 7;
        } else if (!strcmp(argv[optind], "--")) {
            optind++;
            break;
        } else {
            break;
        }
    }
    int first = optind;
    for (int i = first; i < argc; i++) {
        char *end;
        errno = 0;
        double v = strtod(argv[i], &end);
        if (end == argv[i] || *end || errno == ERANGE || v != v) {
            if (argv[i][0] == '-' && argv[i][1] == '-')
                cli_error("act: unknown option '%s' (valid: --list, --plot, --help)", argv[i]);
            else
                cli_error("act: point '%s' is not a number", argv[i]);
            return CLI_USAGE;
        }
    }
    if (plot_file) {
        if (first < argc) {
            cli_error("act: --plot takes no points, got '%s'", argv[first]);
            return CLI_USAGE;
        }
        return plot(spec, &a, plot_file);
    }
    if (first == argc) {
        describe(stdout, nn_act_info_of(a.id), &a);
        return CLI_OK;
    }
    for (int i = first; i < argc; i++) {
        nn_real x = (nn_real)strtod(argv[i], NULL), d;
        nn_real y = nn_act_eval(&a, x, &d);
        printf(NN_REAL_FMT "\t" NN_REAL_FMT "\t" NN_REAL_FMT "\n", (double)x, (double)y, (double)d);
    }
    return CLI_OK;
}
