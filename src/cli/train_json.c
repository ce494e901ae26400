/* train_json.c: nnlab train --json: the run as one document (schema in docs/cli.md#json-output). */
#include <math.h>
#include "train_json.h"

/* One epoch's scores as JSON members: loss and acc (no accuracy for regression), val_loss and val_acc (null
 * without validation). */
static void js_epoch_scores(FILE *f, const char *sep, double loss, double acc, double val_loss, double val_acc,
                            int classify, int has_val)
{
    js_key(f, sep, "loss");
    js_num(f, loss);
    if (classify) {
        js_key(f, ", ", "acc");
        js_num(f, acc);
    }
    js_key(f, ", ", "val_loss");
    js_num(f, has_val ? val_loss : NAN);
    if (classify) {
        js_key(f, ", ", "val_acc");
        js_num(f, has_val ? val_acc : NAN);
    }
}

void train_json_write(FILE *f, const train_json_run *r)
{
    const nn_history *h = r->hist;
    const nn_dataset *d = r->d;
    int classify = r->classify;
    char spec[4096];
    nn_model_spec(r->m, spec, sizeof spec);
    fputs("{\"command\": \"train\"", f);
    js_key(f, ", ", "nnlab");
    js_str(f, NNLAB_VERSION_STRING);
    js_key(f, ", ", "data");
    js_str(f, r->data);
    fprintf(f, ", \"rows\": %d, \"features\": %d, \"classes\": %d", d->rows, d->cols, classify ? nn_model_classes(r->m) : 0);
    js_key(f, ", ", "class_names");
    if (d->class_names) {
        fputc('[', f);
        for (int k = 0; k < d->nclasses; k++) {
            if (k) fputs(", ", f);
            js_str(f, d->class_names[k]);
        }
        fputc(']', f);
    } else {
        fputs("null", f);
    }
    js_key(f, ",\n ", "arch");
    js_str(f, spec);
    js_key(f, ", ", "loss");
    js_str(f, nn_loss_name(nn_model_loss_kind(r->m)));
    js_key(f, ", ", "optimizer");
    js_str(f, r->opt);
    js_key(f, ", ", "init");
    js_str(f, nn_init_name(r->init));
    fprintf(f, ", \"seed\": %llu, \"batch\": %d", (unsigned long long)r->seed, r->batch);
    js_key(f, ", ", "val_fraction");
    js_num(f, r->val);
    fprintf(f, ",\n \"epochs\": %d, \"first_epoch\": %d, \"interrupted\": %s, \"stopped_early\": %s, \"restored_best\": %s",
            r->epochs, r->first_epoch, r->interrupted ? "true" : "false", h->stopped_early ? "true" : "false",
            h->restored ? "true" : "false");
    double seconds = 0;
    for (int i = 0; i < h->n; i++) seconds += h->epochs[i].seconds;
    js_key(f, ", ", "seconds");
    js_num(f, seconds);
    js_key(f, ",\n ", "model");
    js_str(f, r->model);
    fputs(",\n \"final\": {", f);
    js_epoch_scores(f, "", r->final[0], r->final[1], r->final[2], r->final[3], classify, r->has_val);
    fputs("},\n \"best\": ", f);
    const nn_epoch_stats *b = NULL;
    for (int i = 0; i < h->n; i++)
        if (h->epochs[i].epoch == h->best_epoch) b = &h->epochs[i];
    if (b) {
        fprintf(f, "{\"epoch\": %d", b->epoch + 1);
        js_epoch_scores(f, ", ", b->loss, b->acc, b->val_loss, b->val_acc, classify, r->has_val);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    fputs(",\n \"history\": [", f);
    for (int i = 0; i < h->n; i++) {
        const nn_epoch_stats *e = &h->epochs[i];
        fprintf(f, "%s\n  {\"epoch\": %d", i ? "," : "", e->epoch + 1);
        js_epoch_scores(f, ", ", e->loss, e->acc, e->val_loss, e->val_acc, classify, r->has_val);
        js_key(f, ", ", "lr");
        js_num(f, e->lr);
        js_key(f, ", ", "seconds");
        js_num(f, e->seconds);
        fputc('}', f);
    }
    fputs("]}\n", f);
    fflush(f);
}
