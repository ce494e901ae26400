/* train_run.c: nnlab train's run record: the settings a run saves in its model's metadata, read back by
 * --resume. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include "train_run.h"

/* FNV-1a over the values and labels: cheap, and any changed value changes it. */
static uint64_t data_hash(const nn_dataset *d)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *p[2] = {(const unsigned char *)d->x, (const unsigned char *)d->y};
    size_t n[2] = {(size_t)d->rows * (size_t)d->cols * sizeof *d->x, (size_t)d->rows * sizeof *d->y};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < n[k]; i++) h = (h ^ p[k][i]) * 1099511628211ull;
    return h;
}

/* The record as "key=value" lines in buf, which snprintf truncates to size; what snprintf returns. */
static int run_to_meta(const train_run *r, char *buf, size_t size)
{
    return snprintf(buf, size,
                    "nnlab-train-run=1\ndata=%s\nrows=%d\ncols=%d\ndata_hash=%016llx\nseed=%llu\nval=%.17g\n"
                    "batch=%d\nepochs=%d\npatience=%d\nstandardize=%d\nschedule=%s\nl1=%.17g\nl2=%.17g\n"
                    "clip_norm=%.17g\nclip_value=%.17g\nnext_epoch=%d\nnext_batch=%d\nrestore_best=%d\nstopped=%d\n"
                    "opt=%s\ninit=%s\n",
                    r->data, r->rows, r->cols, (unsigned long long)r->hash, (unsigned long long)r->seed, r->val,
                    r->batch, r->epochs, r->patience, r->standardize, r->sched ? r->sched : "", r->l1, r->l2,
                    r->clip_norm, r->clip_value, r->next_epoch, r->next_batch, r->restore_best, r->stopped,
                    r->opt ? r->opt : "", nn_init_name(r->init));
}

/* Reads the record back; strings point into `text`, which it edits. 0, or -1 if it is not a run record. */
static int run_from_meta(char *text, train_run *r)
{
    memset(r, 0, sizeof *r);
    const char *mark = "nnlab-train-run=1\n";
    if (strncmp(text, mark, strlen(mark))) return -1;
    for (char *line = strtok(text + strlen(mark), "\n"); line; line = strtok(NULL, "\n")) {
        char *v = strchr(line, '=');
        if (!v) return -1;
        *v++ = '\0';
        if (!strcmp(line, "data")) r->data = v;
        else if (!strcmp(line, "schedule")) r->sched = *v ? v : NULL;
        else if (!strcmp(line, "rows")) r->rows = atoi(v);
        else if (!strcmp(line, "cols")) r->cols = atoi(v);
        else if (!strcmp(line, "data_hash")) r->hash = strtoull(v, NULL, 16);
        else if (!strcmp(line, "seed")) r->seed = strtoull(v, NULL, 10);
        else if (!strcmp(line, "val")) r->val = strtod(v, NULL);
        else if (!strcmp(line, "batch")) r->batch = atoi(v);
        else if (!strcmp(line, "epochs")) r->epochs = atoi(v);
        else if (!strcmp(line, "patience")) r->patience = atoi(v);
        else if (!strcmp(line, "standardize")) r->standardize = atoi(v);
        else if (!strcmp(line, "l1")) r->l1 = strtod(v, NULL);
        else if (!strcmp(line, "l2")) r->l2 = strtod(v, NULL);
        else if (!strcmp(line, "clip_norm")) r->clip_norm = strtod(v, NULL);
        else if (!strcmp(line, "clip_value")) r->clip_value = strtod(v, NULL);
        else if (!strcmp(line, "next_epoch")) r->next_epoch = atoi(v);
        else if (!strcmp(line, "next_batch")) r->next_batch = atoi(v);
        else if (!strcmp(line, "restore_best")) r->restore_best = atoi(v);
        else if (!strcmp(line, "stopped")) r->stopped = atoi(v);
        else if (!strcmp(line, "opt")) r->opt = *v ? v : NULL;
        else if (!strcmp(line, "init") && nn_init_parse(v, &r->init) != NN_OK) return -1;
    }
    return r->data && r->batch > 0 && r->epochs > 0 && r->next_epoch >= 0 && r->next_batch >= 0 ? 0 : -1;
}

char *train_run_meta(const train_run *r, const nn_dataset *d)
{
    char rec[4096];
    train_run with = *r;
    with.rows = d->rows;
    with.cols = d->cols;
    with.hash = data_hash(d);
    size_t n = (size_t)run_to_meta(&with, rec, sizeof rec) + 1;
    /* The class names follow the run record, one "class=NAME" line per id, for eval and predict. */
    for (int k = 0; d->class_names && k < d->nclasses; k++) n += strlen(d->class_names[k]) + 7;
    char *meta = malloc(n);
    if (!meta) return NULL;
    size_t len = strlen(strcpy(meta, rec));
    for (int k = 0; d->class_names && k < d->nclasses; k++)
        len += (size_t)sprintf(meta + len, "class=%s\n", d->class_names[k]);
    return meta;
}

int train_run_load(const char *path, nn_model **m, nn_optim **opt, train_run *r, char **meta)
{
    *m = nn_model_load_with(path, opt);
    if (!*m) {
        cli_error("train: --resume: %s", nn_errmsg());
        return CLI_ERR;
    }
    size_t n = strlen(nn_model_meta(*m));
    *meta = malloc(n + 1);
    if (!*meta) {
        cli_error("train: out of memory");
        return CLI_ERR;
    }
    memcpy(*meta, nn_model_meta(*m), n + 1);
    if (!*opt || run_from_meta(*meta, r)) {
        cli_error("train: --resume: %s was not saved by 'nnlab train --save' (it has no %s)", path,
                  *opt ? "training-run record" : "optimizer state");
        return CLI_ERR;
    }
    if (r->sched) {
        nn_schedule sc;
        if (nn_schedule_parse(r->sched, &sc) != NN_OK || nn_optim_set_schedule(*opt, &sc) != NN_OK) {
            cli_error("train: --resume: %s: schedule '%s': %s", path, r->sched, nn_errmsg());
            return CLI_ERR;
        }
    }
    return CLI_OK;
}

int train_run_same_data(const train_run *r, const nn_dataset *d)
{
    return d->rows == r->rows && data_hash(d) == r->hash;
}

int train_run_changed(const train_run *given, unsigned given_opts, const char *arch, nn_loss loss,
                      const train_run *rec, const nn_model *m)
{
    for (int c = TRAIN_OPT_ARCH; c < TRAIN_OPT_END; c++) {
        if (!(given_opts & (1u << (c - TRAIN_OPT_ARCH)))) continue;
        int same = 1;
        char want[1024], got[1024];
        switch (c) {
        case TRAIN_OPT_ARCH: {
            /* Compared as the library spells them, so "dense:3" and "dense:3:init=auto" agree. */
            nn_model *t = nn_model_from_spec(nn_model_inputs(m), arch, nn_model_loss_kind(m), 1);
            same = t && nn_model_set_init(t, rec->init) == NN_OK && nn_model_spec(t, want, sizeof want) >= 0 &&
                   nn_model_spec(m, got, sizeof got) >= 0 && !strcmp(want, got);
            nn_model_free(t);
            break;
        }
        case TRAIN_OPT_LOSS: same = loss == nn_model_loss_kind(m); break;
        case TRAIN_OPT_OPT: same = !rec->opt || !strcmp(given->opt, rec->opt); break;
        case TRAIN_OPT_SCHED: same = !strcmp(given->sched ? given->sched : "", rec->sched ? rec->sched : ""); break;
        case TRAIN_OPT_BATCH: same = given->batch == rec->batch; break;
        case TRAIN_OPT_SEED: same = given->seed == rec->seed; break;
        case TRAIN_OPT_VAL: same = given->val == rec->val; break;
        case TRAIN_OPT_PATIENCE: same = given->patience == rec->patience; break;
        case TRAIN_OPT_STD: case TRAIN_OPT_NOSTD: same = given->standardize == rec->standardize; break;
        case TRAIN_OPT_L1: same = given->l1 == rec->l1; break;
        case TRAIN_OPT_L2: same = given->l2 == rec->l2; break;
        case TRAIN_OPT_CLIP: same = given->clip_norm == rec->clip_norm; break;
        case TRAIN_OPT_CLIPV: same = given->clip_value == rec->clip_value; break;
        case TRAIN_OPT_INIT: same = given->init == rec->init; break;
        default: break;
        }
        if (!same) return c;
    }
    return 0;
}
