/* io.c: saving and loading models (architecture, parameters, state, scaling, optional optimizer state); format in docs/model-format.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model_internal.h"

#define MAGIC "NNLABMDL"
#define FORMAT_VERSION 2u /* version 1 (no metadata) is still read */
#define FLAG_SCALING 1u
#define FLAG_OPTIM 2u
#define FLAG_META 4u

uint32_t nn_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    crc = ~crc;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* A growing little-endian byte buffer: the file is assembled in memory, then written in one go. */
typedef struct buf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} buf;

static void put(buf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u32(buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    put(b, c, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_reals(buf *b, const nn_real *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
#ifdef NNLAB_DOUBLE
        uint64_t u;
        memcpy(&u, &v[i], 8);
        put_u64(b, u);
#else
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put_u32(b, u);
#endif
    }
}

static void put_str(buf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

nn_status nn_model_check_save(const nn_model *m)
{
    if (!m) return nn_fail(NN_EINVAL, "NULL model");
    int len = nn_model_spec(m, NULL, 0);
    if (len >= NN_MODEL_SPEC_MAX)
        return nn_fail(NN_EINVAL, "the architecture spec is %d characters long, a model file holds at most %d", len,
                       NN_MODEL_SPEC_MAX - 1);
    if ((m->params && !nn_all_finite(m->params, m->nparams)) || (m->state && !nn_all_finite(m->state, m->nstate)))
        return nn_fail(NN_ENONFINITE, "a parameter is not finite (the training diverged)");
    return NN_OK;
}

nn_status nn_model_save_with(const nn_model *cm, const nn_optim *o, const char *path)
{
    nn_model *m = (nn_model *)cm; /* building allocates, but does not change what the model is */
    nn_status s = nn_model_build(m);
    if (s != NN_OK) return s;
    if ((s = nn_model_check_save(m)) != NN_OK) return nn_fail_prefix(s, "%s: not saved", path);
    size_t olen = 0;
    long steps = 0;
    const nn_real *ostate = o ? nn_optim_state(o, &olen, &steps) : NULL;
    if (ostate && !nn_all_finite(ostate, olen))
        return nn_fail(NN_ENONFINITE, "%s: not saved: the optimizer state is not finite", path);
    char spec[NN_MODEL_SPEC_MAX];
    nn_model_spec(m, spec, sizeof spec);
    buf b = {0};
    put(&b, MAGIC, 8);
    put_u32(&b, FORMAT_VERSION);
    put_u32(&b, (uint32_t)sizeof(nn_real));
    put_u32(&b, (uint32_t)m->inputs);
    put_u32(&b, (uint32_t)m->loss);
    put_u32(&b, (m->mean ? FLAG_SCALING : 0) | (o ? FLAG_OPTIM : 0) | (m->meta ? FLAG_META : 0));
    put_str(&b, spec);
    put_u64(&b, m->nparams);
    put_reals(&b, m->params, m->nparams);
    put_u64(&b, m->nstate);
    put_reals(&b, m->state, m->nstate);
    for (int i = 0; i < 4; i++) put_u64(&b, m->rng.s[i]);
    if (m->mean) {
        put_reals(&b, m->mean, (size_t)m->inputs);
        put_reals(&b, m->std, (size_t)m->inputs);
    }
    if (o) {
        char ospec[1024];
        nn_optim_format(o, ospec, sizeof ospec);
        put_str(&b, ospec);
        put_u64(&b, (uint64_t)steps);
        put_u64(&b, ostate ? olen : 0);
        if (ostate) put_reals(&b, ostate, olen);
    }
    if (m->meta) put_str(&b, m->meta);
    put_u32(&b, nn_crc32(0, b.p, b.n));
    if (b.oom) {
        free(b.p);
        return nn_fail(NN_ENOMEM, "out of memory saving %s", path);
    }
    nn_atomic *a;
    if ((s = nn_atomic_open(path, &a)) != NN_OK) {
        free(b.p);
        return s;
    }
    fwrite(b.p, 1, b.n, nn_atomic_file(a));
    free(b.p);
    return nn_atomic_commit(a);
}

nn_status nn_model_save(const nn_model *m, const char *path) { return nn_model_save_with(m, NULL, path); }

/* Bounds-checked reader over the loaded bytes. */
typedef struct rd {
    const unsigned char *p;
    size_t n, at;
    int bad;
} rd;

static const unsigned char *take(rd *r, size_t n)
{
    if (r->bad || n > r->n - r->at) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->at;
    r->at += n;
    return p;
}

static uint32_t get_u32(rd *r)
{
    const unsigned char *c = take(r, 4);
    return c ? (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24 : 0;
}

static uint64_t get_u64(rd *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

/* Stored reals of either width convert to this build's real type. */
static int get_reals(rd *r, unsigned width, nn_real *out, size_t n)
{
    if (n > (r->n - r->at) / width) {
        r->bad = 1;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (width == 4) {
            uint32_t u = get_u32(r);
            float f;
            memcpy(&f, &u, 4);
            if (out) out[i] = (nn_real)f;
        } else {
            uint64_t u = get_u64(r);
            double d;
            memcpy(&d, &u, 8);
            if (out) out[i] = (nn_real)d;
        }
    }
    return 0;
}

static int get_str(rd *r, char *out, size_t size)
{
    uint32_t len = get_u32(r);
    const unsigned char *p = len < size ? take(r, len) : NULL;
    if (!p) {
        r->bad = 1;
        return -1;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

nn_model *nn_model_load_with(const char *path, nn_optim **opt)
{
    size_t n;
    nn_model *m = NULL;
    nn_optim *o = NULL;
    nn_real *ostate = NULL;
    if (opt) *opt = NULL;
    unsigned char *data = (unsigned char *)nn_read_file(path, &n);
    if (!data) return NULL;
    rd r = {data, n, 0, 0};
    const unsigned char *magic = take(&r, 8);
    if (!magic || memcmp(magic, MAGIC, 8)) {
        nn_fail(NN_EFORMAT, "%s: not an nnlab model file", path);
        goto fail;
    }
    uint32_t version = get_u32(&r);
    if (r.bad) goto truncated;
    if (version < 1 || version > FORMAT_VERSION) {
        nn_fail(NN_EFORMAT, "%s: model format version %u, this nnlab reads versions 1 to %u", path, version,
                FORMAT_VERSION);
        goto fail;
    }
    if (n < 16) goto truncated;
    rd tail = {data, n, n - 4, 0};
    if (get_u32(&tail) != nn_crc32(0, data, n - 4)) {
        nn_fail(NN_EFORMAT, "%s: checksum mismatch: the file is truncated or corrupted", path);
        goto fail;
    }
    r.n = n - 4;
    uint32_t width = get_u32(&r), inputs = get_u32(&r), loss = get_u32(&r), flags = get_u32(&r);
    char spec[NN_MODEL_SPEC_MAX];
    if (get_str(&r, spec, sizeof spec) || r.bad) goto truncated;
    if ((width != 4 && width != 8) || loss >= NN_LOSS_COUNT || inputs < 1 || inputs > (1u << 24)) {
        nn_fail(NN_EFORMAT, "%s: bad header (real size %u, loss %u, inputs %u)", path, width, loss, inputs);
        goto fail;
    }
    m = nn_model_from_spec((int)inputs, spec, (nn_loss)loss, 0);
    /* A forged header can name a huge architecture in a few bytes: the file must hold its parameters before
     * any of them is allocated. */
    if (m && (m->nparams > (r.n - r.at) / width || m->nstate > (r.n - r.at) / width - m->nparams)) {
        nn_fail(NN_EFORMAT, "%s: the architecture '%.200s' has %zu parameters, more than the %zu bytes left in the "
                "file hold", path, spec, m->nparams + m->nstate, r.n - r.at);
        goto fail;
    }
    if (!m || nn_model_build(m) != NN_OK) {
        nn_fail_prefix(NN_EFORMAT, "%s: architecture '%s'", path, spec);
        goto fail;
    }
    if (get_u64(&r) != m->nparams || get_reals(&r, width, m->params, m->nparams)) goto mismatch;
    if (get_u64(&r) != m->nstate || get_reals(&r, width, m->state, m->nstate)) goto mismatch;
    for (int i = 0; i < 4; i++) m->rng.s[i] = get_u64(&r);
    if (flags & FLAG_SCALING) {
        nn_real *mean = nn_malloc(inputs * sizeof *mean), *std = nn_malloc(inputs * sizeof *std);
        int bad = !mean || !std || get_reals(&r, width, mean, inputs) || get_reals(&r, width, std, inputs) ||
                  nn_model_set_scaling(m, mean, std) != NN_OK;
        free(mean);
        free(std);
        if (bad) goto mismatch;
    }
    if (flags & FLAG_OPTIM) {
        char ospec[1024];
        if (get_str(&r, ospec, sizeof ospec)) goto truncated;
        uint64_t steps = get_u64(&r), len = get_u64(&r);
        if (r.bad || len > (r.n - r.at) / width) goto truncated;
        if (opt) {
            if (!(o = nn_optim_parse(ospec))) {
                nn_fail_prefix(NN_EFORMAT, "%s: optimizer", path);
                goto fail;
            }
            ostate = nn_malloc((len + 1) * sizeof *ostate);
            if (!ostate || get_reals(&r, width, ostate, len)) goto mismatch;
            if (len && nn_optim_restore(o, m->nparams, ostate, len, (long)steps) != NN_OK) goto mismatch;
        } else if (get_reals(&r, width, NULL, len)) {
            goto truncated;
        }
    }
    if (flags & FLAG_META) {
        char *meta = nn_malloc(NN_META_MAX + 1);
        int bad = !meta || version < 2 || get_str(&r, meta, NN_META_MAX + 1) || nn_model_set_meta(m, meta) != NN_OK;
        free(meta);
        if (bad) goto truncated;
    }
    if (r.bad) goto truncated;
    if (r.at != r.n) {
        nn_fail(NN_EFORMAT, "%s: %zu unexpected bytes after the model", path, r.n - r.at);
        goto fail;
    }
    free(data);
    free(ostate);
    if (opt) *opt = o;
    return m;
truncated:
    nn_fail(NN_EFORMAT, "%s: truncated model file", path);
    goto fail;
mismatch:
    nn_fail(NN_EFORMAT, "%s: contents do not match the architecture '%s'", path, spec);
fail:
    free(data);
    free(ostate);
    nn_optim_free(o);
    nn_model_free(m);
    return NULL;
}

nn_model *nn_model_load(const char *path) { return nn_model_load_with(path, NULL); }
