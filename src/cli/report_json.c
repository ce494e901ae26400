/* report_json.c: results.json of a compare task: settings, summaries, every seed's results and curves. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static void js_stat(FILE *f, const char *key, const cmp_stat *s)
{
    fprintf(f, "\"%s\": {\"mean\": ", key);
    js_num(f, s->mean);
    fputs(", \"std\": ", f);
    js_num(f, s->std);
    fputs(", \"ci95\": ", f);
    js_num(f, s->ci);
    fprintf(f, ", \"n\": %d}", s->n);
}

/* prefix (a key, with what comes before it), then the array. */
static void js_keyed(FILE *f, const char *prefix, const double *v, int n)
{
    fputs(prefix, f);
    js_array(f, v, n);
}

static const char *state_name(int s)
{
    switch (s) {
    case CMP_RUN_OK: return "ok";
    case CMP_RUN_INTERRUPTED: return "interrupted";
    case CMP_RUN_DIVERGED: return "diverged";
    case CMP_RUN_FAILED: return "failed";
    default: return "not run";
    }
}

/* {"mean": [per layer], "std": [...], "dead_frac": [...], "grad_norm": [per dense layer], "dead_frac_all", "grad_ratio"} */
static void js_layers(FILE *f, const cmp_task *t, const cmp_layers *L)
{
    js_keyed(f, "{\"mean\": ", L->mean, t->nhid);
    js_keyed(f, ", \"std\": ", L->std, t->nhid);
    js_keyed(f, ", \"dead_frac\": ", L->dead, t->nhid);
    js_keyed(f, ", \"grad_norm\": ", L->grad, L->ngrad);
    fputs(", \"dead_frac_all\": ", f);
    js_num(f, L->dead_all);
    fputs(", \"grad_ratio\": ", f);
    js_num(f, L->grad_ratio);
    fputc('}', f);
}

static void js_run(FILE *f, const cmp_task *t, const cmp_run *r)
{
    fprintf(f, "        {\"seed\": %llu, \"state\": \"%s\", ", (unsigned long long)r->seed, state_name(r->state));
    if (r->error[0]) {
        fputs("\"error\": ", f);
        js_str(f, r->error);
        fputs(", ", f);
    }
    fprintf(f, "\"epochs_run\": %d,\n         \"train_acc\": ", r->hist.n);
    js_num(f, r->train_acc);
    fputs(", \"val_acc\": ", f);
    js_num(f, r->val_acc);
    fputs(", \"train_loss\": ", f);
    js_num(f, r->train_loss);
    fputs(", \"val_loss\": ", f);
    js_num(f, r->val_loss);
    fputs(",\n         \"epochs_to_target\": ", f);
    if (r->epochs_to_target > 0) fprintf(f, "%d", r->epochs_to_target);
    else fputs("null", f);
    fputs(", \"ms_per_epoch\": ", f);
    js_num(f, r->ms_epoch);
    fputs(", \"dead_frac\": ", f);
    js_num(f, r->after.dead_all);
    fputs(", \"grad_ratio\": ", f);
    js_num(f, r->after.grad_ratio);
    if (r->diagnosis[0]) {
        fputs(", \"diagnosis\": ", f);
        js_str(f, r->diagnosis);
    }
    fputs(",\n         \"layers\": ", f);
    js_layers(f, t, &r->after);
    if (t->probe_init) {
        fputs(",\n         \"layers_at_init\": ", f);
        js_layers(f, t, &r->init);
    }
    fputs(",\n         \"curves\": {", f);
    static const char *const names[] = {"loss", "acc", "val_loss", "val_acc", "seconds"};
    double *v = malloc((size_t)(r->hist.n > 0 ? r->hist.n : 1) * sizeof *v);
    for (int k = 0; k < 5; k++) {
        for (int e = 0; v && e < r->hist.n; e++) {
            const nn_epoch_stats *s = &r->hist.epochs[e];
            v[e] = k == 0 ? s->loss : k == 1 ? s->acc : k == 2 ? s->val_loss : k == 3 ? s->val_acc : s->seconds;
        }
        fprintf(f, "%s\"%s\": ", k ? ", " : "", names[k]);
        js_array(f, v, v ? r->hist.n : 0);
    }
    free(v);
    fputs("}}", f);
}

/* --tune-lr: the tuning runs' mean validation accuracy and loss at every rate of the grid. */
static void js_tuning(FILE *f, const cmp_task *t, const cmp_act *A)
{
    if (!t->ngrid || !A->tune_acc) return;
    fputs(",\n     \"tuning\": [", f);
    for (int g = 0; g < t->ngrid; g++) {
        fprintf(f, "%s{\"lr\": ", g ? ", " : "");
        js_num(f, A->tune_lr[g]);
        fputs(", \"val_acc\": ", f);
        js_num(f, A->tune_acc[g]);
        fputs(", \"val_loss\": ", f);
        js_num(f, A->tune_loss[g]);
        fputc('}', f);
    }
    fputc(']', f);
}

/* Row k of the table (best first): settings, summary, mean curves and every seed. */
static void js_act(FILE *f, const cmp_task *t, int k)
{
    const cmp_act *A = &t->acts[t->order[k]];
    fprintf(f, "    {\"group\": %d, \"p_vs_best\": ", A->group);
    js_num(f, A->p_best);
    fputs(", \"lr\": ", f);
    js_num(f, A->lr);
    fprintf(f, ", \"%s\": ", report_col_name(t, 0));
    js_str(f, A->spec);
    fputs(", \"arch\": ", f);
    js_str(f, A->arch);
    fputs(", \"optimizer\": ", f);
    js_str(f, A->opt);
    const struct {
        const char *key;
        double v;
    } remedies[] = {{"clip_norm", A->clip_norm}, {"clip_value", A->clip_value}, {"l1", A->l1}, {"l2", A->l2}};
    for (size_t r = 0; r < sizeof remedies / sizeof remedies[0]; r++) {
        fprintf(f, ", \"%s\": ", remedies[r].key);
        js_num(f, remedies[r].v);
    }
    js_tuning(f, t, A);
    fprintf(f, ", \"runs\": %d, \"ok\": %d, \"diverged\": %d, \"flagged\": %d, \"target_reached\": %d,\n     \"summary\": {",
            A->nruns, A->ok, A->diverged, A->flagged, A->reached);
    const struct { const char *key; const cmp_stat *s; } stats[] = {
        {"train_acc", &A->train_acc},   {"val_acc", &A->val_acc},         {"train_loss", &A->train_loss},
        {"val_loss", &A->val_loss},     {"epochs_to_target", &A->epochs_to_target},
        {"ms_per_epoch", &A->ms_epoch}, {"dead_frac", &A->dead},          {"grad_ratio", &A->grad_ratio},
    };
    for (size_t k = 0; k < sizeof stats / sizeof stats[0]; k++) {
        if (k) fputs(k % 2 ? ", " : ",\n       ", f); /* two to a line */
        js_stat(f, stats[k].key, stats[k].s);
    }
    fputs(",\n       \"layers\": [", f);
    for (int h = 0; h < t->nhid; h++) {
        fputs(h ? ", {" : "{", f);
        js_stat(f, "mean", &A->h_mean[h]);
        fputs(", ", f);
        js_stat(f, "std", &A->h_std[h]);
        fputc('}', f);
    }
    js_keyed(f, "]},\n     \"mean_curves\": {\"loss\": ", A->curve_loss, t->epochs);
    js_keyed(f, ", \"acc\": ", A->curve_acc, t->epochs);
    js_keyed(f, ",\n       \"val_loss\": ", A->curve_val_loss, t->epochs);
    js_keyed(f, ", \"val_acc\": ", A->curve_val_acc, t->epochs);
    fputs("},\n     \"per_seed\": [\n", f);
    for (int s = 0; s < t->nseeds; s++) {
        js_run(f, t, &A->runs[s]);
        fputs(s + 1 < t->nseeds ? ",\n" : "\n", f);
    }
    fprintf(f, "     ]}%s\n", k + 1 < t->nacts ? "," : "");
}

int report_json(const cmp_task *t)
{
    char path[4200];
    nn_atomic *tmp;
    FILE *f = report_open(t, "results.json", path, sizeof path, &tmp);
    if (!f) return -1;
    fputs("{\n  \"nnlab\": ", f);
    js_str(f, NNLAB_VERSION_STRING);
    fprintf(f, ", \"real\": \"%s\",\n  \"task\": ", sizeof(nn_real) == sizeof(double) ? "double" : "float");
    js_str(f, t->name);
    fputs(", \"data\": ", f);
    js_str(f, t->data);
    fprintf(f, ", \"rows\": %d, \"features\": %d, \"classes\": %d,\n  \"arch_template\": ", t->rows, t->cols, t->classes);
    js_str(f, t->arch_template);
    fputs(", \"optimizer\": ", f);
    js_str(f, t->opt_spec);
    fputs(", \"variants\": ", f);
    if (t->variants) js_str(f, t->variants);
    else fputs("null", f);
    fprintf(f, ", \"loss\": \"softmax-xent\",\n  \"epochs\": %d, \"batch\": %d, \"seeds\": %d, \"val_fraction\": ", t->epochs,
            t->batch, t->nseeds);
    js_num(f, t->val);
    fputs(", \"target_acc\": ", f);
    js_num(f, t->target);
    fprintf(f, ", \"interrupted\": %s, \"seconds\": ", t->interrupted ? "true" : "false");
    js_num(f, t->seconds);
    char buf[2048];
    report_protocol(t, buf, sizeof buf);
    fputs(",\n  \"protocol\": ", f);
    js_str(f, buf);
    fputs(", \"test\": \"paired t-test, two-sided\", \"alpha\": 0.05, \"interval\": \"95% Student t over seeds\",\n  \"seeds_reported\": ", f);
    fprintf(f, "[1, %d], \"tuning\": ", t->nseeds);
    if (t->ngrid) {
        fputs("{\"grid\": ", f);
        js_array(f, t->acts[0].tune_lr, t->ngrid);
        fprintf(f, ", \"grid_varies_by_row\": %s", report_same_grid(t) ? "false" : "true");
        fprintf(f, ", \"seeds\": [%d, %d], \"epochs\": %d}", CMP_TUNE_SEED0, CMP_TUNE_SEED0 + t->tune_seeds - 1, t->tune_epochs);
    } else {
        fputs("null", f);
    }
    fputs(", \"winner\": ", f);
    if (t->winner >= 0) js_str(f, t->acts[t->winner].spec);
    else fputs("null", f);
    fputs(",\n  \"activations\": [\n", f);
    for (int k = 0; k < t->nacts; k++) js_act(f, t, k);
    fputs("  ]\n}\n", f);
    return cli_atomic_commit(tmp);
}
