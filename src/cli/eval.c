/* eval.c: nnlab eval: score a saved model on a data set and print its confusion matrix. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

enum { OPT_MODEL = 256, OPT_DATA, OPT_HELP, OPT_JSON };

static const char eval_help[] =
    "usage: nnlab eval --model MODEL --data D [--json] [--label-col C] [--drop-cols A,B] [--delimiter D]\n"
    "Score a saved model on a data set (bundled name, CSV file or - for standard input). Labels are read as\n"
    "the classes the model was trained on (by name when its data had class names).\n"
    "Prints 'loss=... acc=... rows=N', then the confusion matrix (rows: true class, columns: predicted),\n"
    "headed by the class names when the model has them.\n"
    "  --json            print one JSON document on stdout instead (schema in docs/cli.md), the text on stderr\n"
    CLI_DATA_HELP;

static const struct option eval_opts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"data", required_argument, NULL, OPT_DATA},
    {"help", no_argument, NULL, OPT_HELP},         CLI_DATA_OPTIONS,
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};

/* --json: the scores (and for a classifier the confusion matrix, k x k, rows the true class) as one document on
 * standard output (schema in docs/cli.md#json-output). acc is NaN and k 0 for regression: no accuracy at all. */
static void write_eval_json(const char *model, const char *data, int rows, double loss, double acc, int k,
                            const char *const *names, const int *cm)
{
    FILE *f = stdout;
    fputs("{\"command\": \"eval\"", f);
    js_key(f, ", ", "nnlab");
    js_str(f, NNLAB_VERSION_STRING);
    js_key(f, ", ", "model");
    js_str(f, model);
    js_key(f, ", ", "data");
    js_str(f, data);
    fprintf(f, ", \"rows\": %d", rows);
    js_key(f, ", ", "loss");
    js_num(f, loss);
    if (k > 0) {
        js_key(f, ", ", "acc");
        js_num(f, acc);
        js_key(f, ",\n ", "labels");
        js_labels(f, k, names);
        fputs(",\n \"confusion_matrix\": [", f);
        for (int i = 0; i < k; i++) {
            fputs(i ? ",\n  [" : "\n  [", f);
            for (int j = 0; j < k; j++) fprintf(f, "%s%d", j ? ", " : "", cm[i * k + j]);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fputs("}\n", f);
    fflush(f);
}

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *data = NULL;
    int c, json = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", eval_opts, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL: model = optarg; break;
        case OPT_DATA: data = optarg; break;
        case OPT_HELP: fputs(eval_help, stdout); return CLI_OK;
        case OPT_JSON: json = 1; break;
        case CLI_OPT_LABEL_COL:
        case CLI_OPT_DROP_COLS:
        case CLI_OPT_DELIMITER:
            if (cli_data_option("eval", c, optarg)) return CLI_USAGE;
            break;
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
    int rc = cli_load_model("eval", model, &m);
    if (rc) return rc;
    rc = CLI_ERR;
    int *cm = NULL, *pred = NULL;
    char **names = cli_use_model_classes(m);
    if (nn_model_loss_kind(m) == NN_LOSS_MSE && !names) cli_csv.labels = NN_LABELS_VALUES;
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
    int classify = cli_scores_accuracy(m, d);
    /* With --json the document is the only thing on standard output; the text goes to stderr. */
    FILE *out = json ? stderr : stdout;
    cli_print_scores(out, "", loss, acc, classify);
    fprintf(out, " rows=%d\n", d->rows);
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
        /* Columns as wide as the longest class name, so that the numbers stay under their headings. */
        int w = 7, w0 = 10, named = names && cli_csv.nclasses == k;
        for (int j = 0; named && j < k; j++) {
            int len = (int)strlen(names[j]);
            w = len > w ? len : w;
            w0 = len > w0 ? len : w0;
        }
        fprintf(out, "confusion matrix (rows: true class, columns: predicted class)\n%-*s", w0, "true\\pred");
        for (int j = 0; j < k; j++) {
            if (named) fprintf(out, " %*s", w, names[j]);
            else fprintf(out, " %*d", w, j);
        }
        fputc('\n', out);
        for (int i = 0; i < k; i++) {
            if (named) fprintf(out, "%-*s", w0, names[i]);
            else fprintf(out, "%-*d", w0, i);
            for (int j = 0; j < k; j++) fprintf(out, " %*d", w, cm[i * k + j]);
            fputc('\n', out);
        }
    }
    if (json) write_eval_json(model, data, d->rows, loss, classify ? acc : NAN, classify ? k : 0,
                              names && cli_csv.nclasses == k ? (const char *const *)names : NULL, cm);
    rc = CLI_OK;
done:
    free(names);
    free(cm);
    free(pred);
    nn_dataset_free(d);
    nn_model_free(m);
    return rc;
}
