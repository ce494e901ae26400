/* internal.h: helpers shared inside libnnlab (error reporting, spec-string tokens); not installed. */
#ifndef NNLAB_INTERNAL_H
#define NNLAB_INTERNAL_H

#include <float.h>
#include <stddef.h>
#include "nnlab.h"

#if defined(__GNUC__)
#define NN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NN_PRINTF(a, b)
#endif

/* Record a message for nn_errmsg() and return s, so that failures read `return nn_fail(NN_EINVAL, ...)`. */
nn_status nn_fail(nn_status s, const char *fmt, ...) NN_PRINTF(2, 3);
/* Prefix the current message with "prefix: " (adds context on the way up). Returns s. */
nn_status nn_fail_prefix(nn_status s, const char *fmt, ...) NN_PRINTF(2, 3);

/* "Did you mean": offer each candidate name to nn_near_add, then nn_near_hint writes "; did you mean 'X'?"
 * into buf when one is near enough to word (nn_nearest_name's rule), else "". Returns buf. */
typedef struct nn_near {
    const char *word, *best;
    size_t dist;
} nn_near;
void nn_near_add(nn_near *n, const char *cand);
const char *nn_near_best(const nn_near *n);
const char *nn_near_hint(const nn_near *n, char *buf, size_t size);
/* Every activation name (and the alias swish) appended to buf at offset n as "a, b, ...", each offered to near;
 * returns the new offset (at most size). */
size_t nn_act_names(char *buf, size_t size, size_t n, nn_near *near);

/* A spec string "NAME[:POS]...[:key=value[,key=value]...]" split in place into tokens.
 * Positional fields come first; the first field holding '=' starts the key=value list, whose items are
 * separated by ',' or ':'. Values keep '/' (as in "betas=0.9/0.999"). */
#define NN_SPEC_MAXPOS 4
#define NN_SPEC_MAXKV 24
#define NN_SPEC_MAXLEN 512
typedef struct nn_spec {
    char text[NN_SPEC_MAXLEN]; /* the spec as given, for messages */
    char buf[NN_SPEC_MAXLEN];
    const char *name;
    int npos;
    const char *pos[NN_SPEC_MAXPOS];
    int nkv;
    const char *key[NN_SPEC_MAXKV];
    const char *val[NN_SPEC_MAXKV];
} nn_spec;

/* Errors: NN_EINVAL for an empty name, too long a spec, too many fields, a key without '=' or value. */
nn_status nn_spec_parse(const char *s, nn_spec *out);
/* Parse a finite number; errors name `what` (e.g. "elu") and `key`. */
nn_status nn_parse_real(const char *what, const char *key, const char *val, double *out);
/* Parse a whole number in [lo, hi]; errors name `what` and `key`. */
nn_status nn_parse_int(const char *what, const char *key, const char *val, long lo, long hi, long *out);

/* The largest finite nn_real: what a model file can hold. */
#ifdef NNLAB_DOUBLE
#define NN_REAL_MAX DBL_MAX
#else
#define NN_REAL_MAX FLT_MAX
#endif

/* 1 if none of the n values is NaN or infinite (src/train.c). */
int nn_all_finite(const nn_real *v, size_t n);

/* The whole file at path, NUL-terminated (the NUL not counted in *len); caller frees it. NULL with
 * NN_EIO (cannot open, read error) or NN_ENOMEM, the message naming path. */
char *nn_read_file(const char *path, size_t *len);

/* CRC-32 (IEEE) of n bytes continuing crc (0 to start): the model file's checksum (src/io.c). */
uint32_t nn_crc32(uint32_t crc, const unsigned char *p, size_t n);

/* Allocation that reports NN_ENOMEM through nn_errmsg(); NULL on failure. */
void *nn_malloc(size_t bytes);
void *nn_calloc(size_t n, size_t size);

#endif
