/* predict.c: nnlab predict: class and probabilities of each CSV row under a saved model. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

enum { OPT_MODEL = 256, OPT_HELP };

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
    int rc = cli_load_model("predict", model, &m);
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
