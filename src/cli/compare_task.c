/* compare_task.c: one compare task: its rows (activation x variant) built from the template and checked against
 * the data before any training, its memory, its report directory. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "compare.h"

/* A template field (between ',', ':' and '=') that is exactly ACT or C is a placeholder; matching whole
 * fields keeps names like "act" in other layers' parameters intact. */
static int fill_template(const char *tmpl, const char *act, int classes, char *buf, size_t size, int *nact)
{
    size_t k = 0;
    *nact = 0;
    for (const char *p = tmpl;;) {
        size_t n = strcspn(p, ",:=");
        char cls[16];
        const char *put = p;
        size_t plen = n;
        if (n == 3 && !strncmp(p, "ACT", 3)) {
            put = act;
            plen = strlen(act);
            (*nact)++;
        } else if (n == 1 && p[0] == 'C') {
            snprintf(cls, sizeof cls, "%d", classes);
            put = cls;
            plen = strlen(cls);
        }
        if (k + plen + 2 > size) return -1;
        memcpy(buf + k, put, plen);
        k += plen;
        if (!p[n]) break;
        buf[k++] = p[n];
        p += n + 1;
    }
    buf[k] = '\0';
    return 0;
}

static void file_safe(const char *spec, char *out, size_t size)
{
    size_t k = 0;
    for (const char *c = spec; *c && k + 1 < size; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
                 *c == '-' || *c == '.';
        out[k++] = ok ? *c : '_';
    }
    out[k] = '\0';
}

int cmp_mkdirs(const char *path)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n < 0 || (size_t)n >= sizeof buf) {
        cli_error("%s: path too long", path);
        return -1;
    }
    for (char *c = buf + 1;; c++) {
        if (*c == '/' || !*c) {
            char keep = *c;
            *c = '\0';
            struct stat st;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                cli_error("%s: cannot create directory: %s", buf, strerror(errno));
                return -1;
            }
            if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
                cli_error("%s: not a directory", buf);
                return -1;
            }
            *c = keep;
            if (!keep) break;
        }
    }
    return 0;
}

/* NaN until measured. -1 out of memory. */
static int layers_alloc(cmp_layers *L, int nhid, int ngrad)
{
    L->dead_all = L->grad_ratio = NAN;
    L->ngrad = ngrad;
    return !(L->mean = cmp_new_reals(nhid)) || !(L->std = cmp_new_reals(nhid)) || !(L->dead = cmp_new_reals(nhid)) ||
           !(L->grad = cmp_new_reals(ngrad));
}

static void layers_free(cmp_layers *L)
{
    free(L->mean), free(L->std), free(L->dead), free(L->grad);
}

void cmp_task_free(cmp_task *t)
{
    if (!t) return;
    for (int a = 0; t->acts && a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        for (int s = 0; A->runs && s < t->nseeds; s++) {
            nn_history_free(&A->runs[s].hist);
            layers_free(&A->runs[s].after);
            layers_free(&A->runs[s].init);
        }
        for (int w = 0; w < 2; w++)
            for (int k = 0; k < CMP_NDEPTH; k++) free(A->depth[w][k]);
        free(A->runs), free(A->h_mean), free(A->h_std), free(A->tune_lr), free(A->tune_acc), free(A->tune_loss);
        free(A->curve_val_loss), free(A->curve_val_acc), free(A->curve_loss), free(A->curve_acc);
    }
    free(t->acts);
    free(t->order);
    free(t);
}

/* Row a of t: activation `act` under variant V, its architecture built from the template and checked against d.
 * CLI_OK, or CLI_USAGE after printing the error. */
static int init_row(cmp_task *t, int a, const cmp_settings *o, const char *act, const variant *V, int name_by,
                    const nn_dataset *d)
{
    cmp_act *A = &t->acts[a];
    int nact;
    /* A row is named by what varies: the activation (0), the variant (1), or both (2). */
    if (name_by == 0) snprintf(A->spec, sizeof A->spec, "%s", act);
    else if (name_by == 1) snprintf(A->spec, sizeof A->spec, "%s", V->label);
    else snprintf(A->spec, sizeof A->spec, "%.120s %.120s", act, V->label);
    snprintf(A->opt, sizeof A->opt, "%s", V->opt);
    nn_optim *opt = nn_optim_parse(A->opt);
    A->lr = opt ? nn_optim_base_lr(opt) : NAN;
    nn_optim_free(opt);
    A->clip_norm = V->clip_norm, A->clip_value = V->clip_value, A->l1 = V->l1, A->l2 = V->l2;
    char layer[640];
    snprintf(layer, sizeof layer, "%s%s%s%s%s", V->before, *V->before ? "," : "", act, *V->after ? "," : "", V->after);
    file_safe(A->spec, A->file, sizeof A->file);
    /* Specs that differ only in characters a file name cannot hold would share one: number the later. */
    for (int b = 0; b < a; b++)
        if (!strcmp(t->acts[b].file, A->file)) {
            size_t l = strlen(A->file);
            snprintf(A->file + (l < sizeof A->file - 8 ? l : sizeof A->file - 8), 8, "_%d", (a + 1) % 100000);
        }
    if (fill_template(o->tmpl, layer, d->nclasses, A->arch, sizeof A->arch, &nact)) {
        cli_error("compare: --arch-template too long");
        return CLI_USAGE;
    }
    if (nact == 0) {
        cli_error("compare: --arch-template '%s' has no ACT placeholder for the activation", o->tmpl);
        return CLI_USAGE;
    }
    nn_model *m = nn_model_from_spec(d->cols, A->arch, NN_LOSS_SOFTMAX_XENT, 1);
    if (!m || nn_model_set_init(m, o->init) != NN_OK) {
        nn_model_free(m);
        cli_error("compare: --arch-template with %s: %s", A->spec, nn_errmsg());
        return CLI_USAGE;
    }
    int out = nn_model_outputs(m), nh = 0, nd = 0;
    for (int i = 0; i < nn_model_nlayers(m); i++) nh += cmp_is_act_layer(m, i), nd += cmp_is_dense_layer(m, i);
    /* With --init the row's architecture names it in every layer: the runs, reports and results.json show it. */
    if (o->init != NN_INIT_AUTO) nn_model_spec(m, A->arch, sizeof A->arch);
    nn_model_free(m);
    if (out != d->nclasses) {
        cli_error("compare: --arch-template ends with %d outputs but %s has %d classes (end it with dense:C)", out,
                  t->data, d->nclasses);
        return CLI_USAGE;
    }
    if (t->nhid < 0 || nh < t->nhid) t->nhid = nh;
    if (t->ndense < 0 || nd < t->ndense) t->ndense = nd;
    return CLI_OK;
}

/* Every row's runs (seeds seed0, seed0 + 1, ...), per-layer statistics and curves. -1 out of memory. */
static int alloc_runs(cmp_task *t, uint64_t seed0)
{
    int nh = t->nhid > 0 ? t->nhid : 1, ne = t->epochs;
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        if (!(A->runs = calloc((size_t)t->nseeds, sizeof *A->runs)) || !(A->h_mean = calloc((size_t)nh, sizeof *A->h_mean)) ||
            !(A->h_std = calloc((size_t)nh, sizeof *A->h_std)) || !(A->curve_val_loss = cmp_new_reals(ne)) ||
            !(A->curve_val_acc = cmp_new_reals(ne)) || !(A->curve_loss = cmp_new_reals(ne)) ||
            !(A->curve_acc = cmp_new_reals(ne)))
            return -1;
        for (int w = 0; w < 2; w++)
            for (int k = 0; k < CMP_NDEPTH; k++)
                if (!(A->depth[w][k] = cmp_new_reals(k == CMP_D_GRAD ? t->ndense : nh))) return -1;
        for (int s = 0; s < t->nseeds; s++) {
            cmp_run *r = &A->runs[s];
            r->seed = seed0 + (uint64_t)s;
            r->train_loss = r->train_acc = r->val_loss = r->val_acc = NAN;
            r->ms_epoch = NAN;
            if (layers_alloc(&r->after, nh, t->ndense) || layers_alloc(&r->init, nh, t->ndense)) return -1;
        }
    }
    return 0;
}

cmp_task *cmp_task_new(const cmp_settings *o, const char *name, const char *data, const nn_dataset *d,
                       const cmp_act_list *acts, const variant_list *vars, const char *dir, int *rc)
{
    *rc = CLI_USAGE;
    cmp_task *t = calloc(1, sizeof *t);
    if (!t) goto nomem;
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    t->data = data;
    t->rows = d->rows, t->cols = d->cols, t->classes = d->nclasses;
    t->arch_template = o->tmpl, t->opt_spec = o->opt, t->variants = o->variants;
    t->act = o->variants && acts->n == 1 ? acts->spec[0] : NULL;
    t->epochs = o->epochs, t->batch = o->batch, t->nseeds = o->seeds;
    t->probe_init = o->probe_init;
    t->no_timing = o->no_timing;
    t->val = o->val, t->target = o->target;
    t->nacts = acts->n * vars->n;
    t->nhid = t->ndense = -1;
    if (!(t->acts = calloc((size_t)t->nacts, sizeof *t->acts)) || !(t->order = calloc((size_t)t->nacts, sizeof *t->order)))
        goto nomem;
    if (d->nclasses < 2) {
        cli_error("compare: %s has real-valued labels; compare trains classifiers (labels 0..K-1)", data);
        goto fail;
    }
    if (o->val > 0 && (int)lround(o->val * d->rows) < 1) {
        cli_error("compare: --val %g leaves no validation rows of the %d in %s", o->val, d->rows, data);
        goto fail;
    }
    int name_by = !o->variants ? 0 : acts->n == 1 ? 1 : 2;
    for (int a = 0; a < t->nacts; a++)
        if (init_row(t, a, o, acts->spec[a / vars->n], &vars->v[a % vars->n], name_by, d) != CLI_OK) goto fail;
    if (alloc_runs(t, o->seed0)) goto nomem;
    *rc = CLI_OK;
    return t;
nomem:
    cli_error("out of memory");
    *rc = CLI_ERR;
fail:
    cmp_task_free(t);
    return NULL;
}
