/* predict.c: nnlab predict: class (or value) and probabilities of each row under a saved model. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

enum { OPT_MODEL = 256, OPT_DATA, OPT_HELP, OPT_JSON };

static const char predict_help[] =
    "usage: nnlab predict --model MODEL [--data FILE|-|NAME] [-o FILE|-] [--json] [FILE|-]\n"
    "Predict each row of the data (--data or the argument: a CSV file, - for standard input (the default),\n"
    "or a bundled data set name). Rows hold exactly the model's inputs, or the inputs and a label (by\n"
    "default the last column; text or a number), which is ignored, so a data set file can be given as it is.\n"
    "Delimiter and header are detected as for train (a single row of numbers is data, never a header).\n"
    "Prints CSV to standard output or -o FILE:\n"
    "  classifier with class names:  label,NAME1,NAME2,...  (the predicted class name, then probabilities)\n"
    "  classifier without names:     class,p0,p1,...        (the class id, then probabilities)\n"
    "  mse model:                    value (or value1,value2,... for several outputs)\n"
    "  --json            one JSON document instead of the CSV (schema in docs/cli.md), same destination\n"
    "  --delimiter D     ',', ';', tab or space; default: detected\n"
    "  --label-col C     the label column to ignore (name or number; default: the last, when present)\n"
    "  --drop-cols A,B   columns to ignore, by name or number\n";

static const struct option predict_opts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"data", required_argument, NULL, OPT_DATA},
    {"output", required_argument, NULL, 'o'},      {"help", no_argument, NULL, OPT_HELP},
    {"json", no_argument, NULL, OPT_JSON},         CLI_DATA_OPTIONS,
    {NULL, 0, NULL, 0}};

/* The rows of arg as model inputs: a label column skipped, else (when that gives another width and no
 * --label-col was given) every column. NULL after the message. */
static nn_dataset *read_rows(const char *arg, int inputs)
{
    char buf[4096];
    char *text = NULL;
    size_t len = 0;
    const char *path = NULL;
    if (!strcmp(arg, "-")) {
        if (!(text = cli_read_stdin(&len))) return NULL;
    } else if (!(path = cli_data_path(arg, buf, sizeof buf))) {
        return NULL;
    }
    const char *name = text ? "<stdin>" : path;
    nn_dataset *d = NULL;
    int width = -1;
    for (int k = 0; k < 2 && !d; k++) {
        cli_csv.labels = k == 0 ? NN_LABELS_IGNORE : NN_LABELS_NONE;
        if (k == 1 && cli_csv.label) break;
        d = text ? nn_dataset_parse_csv(text, len, name, &cli_csv) : nn_dataset_read_csv(path, &cli_csv);
        if (d && d->cols != inputs) {
            width = d->cols + (k == 0);
            nn_dataset_free(d);
            d = NULL;
        }
    }
    free(text);
    if (d) cli_print_notes(arg, d);
    else if (width == inputs && cli_csv.label)
        cli_error("predict: %s: rows have %d columns with the label column; the model takes %d inputs", name,
                  width, inputs);
    else if (width >= 0 && width != inputs)
        cli_error("predict: %s: rows have %d columns; the model takes %d inputs (or %d with a label)", name, width,
                  inputs, inputs + 1);
    else cli_error("predict: %s", nn_errmsg()); /* as many columns as inputs, but a cell is not a number */
    return d;
}

/* --json: every row's prediction as one document on f (schema in docs/cli.md#json-output): for a classifier the
 * class id, its name (null without names) and the k probabilities; for regression the k predicted values. */
static void write_predict_json(FILE *f, const char *model, int rows, int k, int regression, const char *const *names,
                               const int *cls, const nn_real *probs)
{
    fputs("{\"command\": \"predict\"", f);
    js_key(f, ", ", "nnlab");
    js_str(f, NNLAB_VERSION_STRING);
    js_key(f, ", ", "model");
    js_str(f, model);
    fprintf(f, ", \"rows\": %d, \"outputs\": %d", rows, k);
    js_key(f, ", ", "regression");
    fputs(regression ? "true" : "false", f);
    if (!regression) {
        js_key(f, ",\n ", "labels");
        js_labels(f, k, names);
    }
    fputs(",\n \"predictions\": [", f);
    for (int r = 0; r < rows; r++) {
        const nn_real *p = probs + (size_t)r * (size_t)k;
        fputs(r ? ",\n  {" : "\n  {", f);
        if (!regression) {
            fprintf(f, "\"class\": %d", cls[r]);
            js_key(f, ", ", "label");
            js_str(f, names ? names[cls[r]] : NULL);
        }
        js_key(f, regression ? "" : ", ", regression ? "values" : "probabilities");
        fputc('[', f);
        for (int j = 0; j < k; j++) {
            if (j) fputs(", ", f);
            js_real(f, p[j]);
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
}

int cmd_predict(int argc, char **argv)
{
    const char *model = NULL, *data = NULL, *out = "-";
    int c, json = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", predict_opts, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL: model = optarg; break;
        case OPT_DATA: data = optarg; break;
        case 'o': out = optarg; break;
        case OPT_HELP: fputs(predict_help, stdout); return CLI_OK;
        case OPT_JSON: json = 1; break;
        case CLI_OPT_LABEL_COL:
        case CLI_OPT_DROP_COLS:
        case CLI_OPT_DELIMITER:
            if (cli_data_option("predict", c, optarg)) return CLI_USAGE;
            break;
        default: return cli_bad_option("predict", argv, predict_opts);
        }
    }
    if (argc - optind > (data ? 0 : 1)) {
        cli_error("predict: one input at most, got '%s' and '%s'", data ? data : argv[optind],
                  argv[data ? optind : optind + 1]);
        return CLI_USAGE;
    }
    if (!data) data = optind < argc ? argv[optind] : "-";
    nn_model *m = NULL;
    int rc = cli_load_model("predict", model, &m);
    if (rc) return rc;
    rc = CLI_ERR;
    int k = nn_model_classes(m), nnames = 0;
    int regression = nn_model_loss_kind(m) == NN_LOSS_MSE;
    char **names = cli_model_classes(m, &nnames);
    if (nnames != k) nnames = 0;
    nn_real *probs = NULL;
    int *cls = NULL;
    nn_atomic *a = NULL;
    FILE *f = NULL;
    nn_dataset *d = read_rows(data, nn_model_inputs(m));
    if (!d) goto done;
    /* All rows are predicted before anything is printed, so a failure leaves no partial output. */
    cls = malloc(sizeof *cls * (size_t)(d->rows ? d->rows : 1));
    probs = malloc(sizeof *probs * (size_t)(d->rows ? d->rows : 1) * (size_t)k);
    if (!cls || !probs) {
        cli_error("predict: out of memory");
        goto done;
    }
    for (int r = 0; r < d->rows; r += 256) {
        int n = d->rows - r < 256 ? d->rows - r : 256;
        if (nn_model_predict(m, d->x + (size_t)r * (size_t)d->cols, n, cls + r, probs + (size_t)r * (size_t)k) != NN_OK) {
            cli_error("predict: %s", nn_errmsg());
            goto done;
        }
    }
    if (!(f = cli_output_open(out, &a))) goto done;
    if (json) {
        write_predict_json(f, model, d->rows, k, regression, nnames ? (const char *const *)names : NULL, cls, probs);
        rc = cli_output_close(a) ? CLI_ERR : CLI_OK;
        goto done;
    }
    if (regression) {
        if (k == 1) fputs("value", f);
        for (int j = 0; k > 1 && j < k; j++) fprintf(f, "%svalue%d", j ? "," : "", j + 1);
    } else {
        fputs(nnames ? "label" : "class", f);
        for (int j = 0; j < k; j++) {
            if (nnames) fprintf(f, ",%s", names[j]);
            else fprintf(f, ",p%d", j);
        }
    }
    fputc('\n', f);
    for (int r = 0; r < d->rows; r++) {
        if (!regression) {
            if (nnames) fputs(names[cls[r]], f);
            else fprintf(f, "%d", cls[r]);
        }
        for (int j = 0; j < k; j++)
            fprintf(f, "%s%.6g", regression && !j ? "" : ",", (double)probs[(size_t)r * (size_t)k + (size_t)j]);
        fputc('\n', f);
    }
    rc = cli_output_close(a) ? CLI_ERR : CLI_OK;
done:
    free(names);
    free(cls);
    free(probs);
    nn_dataset_free(d);
    nn_model_free(m);
    return rc;
}
