/* variants.h: nnlab compare's --variants: one training configuration besides the activation (optimizer and remedies). */
#ifndef NNLAB_CLI_VARIANTS_H
#define NNLAB_CLI_VARIANTS_H

#include "cli.h"

#define REMEDIES "batchnorm, dropout[=P], alpha_dropout[=P], clip-norm=X, clip-value=X, l1=X, l2=X"

typedef struct variant {
    char label[256];            /* as given, e.g. "sgd+dropout=0.1+l2=1e-4" */
    char opt[512];              /* optimizer spec of its runs */
    char before[64], after[64]; /* layers put before / after each activation ("" for none) */
    double clip_norm, clip_value, l1, l2; /* 0: off */
} variant;

typedef struct variant_list {
    int n;
    variant *v;
} variant_list;

/* Parses "OPT[+REMEDY...],..." (optimizer keys continue after commas; a bare optimizer name equal to
 * default_opt's means default_opt). out->v is allocated (caller frees, also on error). CLI_OK, or CLI_USAGE /
 * CLI_ERR after printing the error. */
int parse_variants(const char *list, const char *default_opt, variant_list *out);

#endif
