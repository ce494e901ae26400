/* eval.c: nnlab eval: score a saved model on a data set and print its confusion matrix. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

enum { OPT_MODEL = 256, OPT_DATA, OPT_HELP };

static const char eval_help[] =
    "usage: nnlab eval --model MODEL --data D [--label-col C] [--drop-cols A,B] [--delimiter D]\n"
    "Score a saved model on a data set (bundled name, CSV file or - for standard input). Labels are read as\n"
    "the classes the model was trained on (by name when its data had class names).\n"
    "Prints 'loss=... acc=... rows=N', then the confusion matrix (rows: true class, columns: predicted),\n"
    "headed by the class names when the model has them.\n"
    CLI_DATA_HELP;

static const struct option eval_opts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"data", required_argument, NULL, OPT_DATA},
    {"help", no_argument, NULL, OPT_HELP},         CLI_DATA_OPTIONS,
    {NULL, 0, NULL, 0},
};

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
    cli_print_scores("", loss, acc, classify);
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
        /* Columns as wide as the longest class name, so that the numbers stay under their headings. */
        int w = 7, w0 = 10, named = names && cli_csv.nclasses == k;
        for (int j = 0; named && j < k; j++) {
            int len = (int)strlen(names[j]);
            w = len > w ? len : w;
            w0 = len > w0 ? len : w0;
        }
        printf("confusion matrix (rows: true class, columns: predicted class)\n%-*s", w0, "true\\pred");
        for (int j = 0; j < k; j++) {
            if (named) printf(" %*s", w, names[j]);
            else printf(" %*d", w, j);
        }
        putchar('\n');
        for (int i = 0; i < k; i++) {
            if (named) printf("%-*s", w0, names[i]);
            else printf("%-*d", w0, i);
            for (int j = 0; j < k; j++) printf(" %*d", w, cm[i * k + j]);
            putchar('\n');
        }
    }
    rc = CLI_OK;
done:
    free(names);
    free(cm);
    free(pred);
    nn_dataset_free(d);
    nn_model_free(m);
    return rc;
}
