/* variants.c: nnlab compare's --variants list: an optimizer spec plus remedies per variant, parsed and checked. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include "variants.h"

/* One REMEDY word of a variant into v; CLI_OK or CLI_USAGE after the message. */
static int parse_remedy(const char *word, variant *v)
{
    char name[64];
    const char *eq = strchr(word, '=');
    size_t n = eq ? (size_t)(eq - word) : strlen(word);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, word, n);
    name[n] = '\0';
    double x = 0;
    if (eq && cli_parse_nonneg("compare", name, eq + 1, &x)) return CLI_USAGE;
    double *field = !strcmp(name, "clip-norm") ? &v->clip_norm : !strcmp(name, "clip-value") ? &v->clip_value
                  : !strcmp(name, "l1") ? &v->l1 : !strcmp(name, "l2") ? &v->l2 : NULL;
    if (field) {
        if (!eq) {
            cli_error("compare: --variants: remedy '%s' needs a value (%s=X)", name, name);
            return CLI_USAGE;
        }
        *field = x;
        return CLI_OK;
    }
    if (!strcmp(name, "batchnorm") && !eq) {
        snprintf(v->before, sizeof v->before, "batchnorm");
        return CLI_OK;
    }
    if (!strcmp(name, "dropout") || !strcmp(name, "alpha_dropout")) {
        /* The layer checks p's range when the architecture is built. */
        if (eq) snprintf(v->after, sizeof v->after, "%.16s:p=%.40s", name, eq + 1);
        else snprintf(v->after, sizeof v->after, "%s", name);
        return CLI_OK;
    }
    cli_error("compare: --variants: unknown remedy '%s' (valid: " REMEDIES ")", word);
    return CLI_USAGE;
}

/* "sgd,adam:lr=1e-3,betas=0.9/0.99,sgd+batchnorm": the list splits as --arch does (nn_spec_list_next: "betas=..."
 * continues the optimizer spec, "sgd+l2=1e-4" starts a variant), then each variant on '+' into its optimizer
 * and remedies. */
int parse_variants(const char *list, const char *default_opt, variant_list *out)
{
    size_t len = strlen(list);
    out->n = 0;
    if (!(out->v = calloc(len + 1, sizeof *out->v))) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    size_t pos = 0;
    do {
        if (nn_spec_list_next(list, &pos, out->v[out->n].label, sizeof out->v->label) != NN_OK) {
            cli_error("compare: --variants: %s", nn_errmsg());
            return CLI_USAGE;
        }
        out->n++;
    } while (list[pos]);
    nn_optim *def = nn_optim_parse(default_opt);
    const char *def_name = def ? nn_optim_name(def) : "";
    int rc = CLI_OK;
    for (int i = 0; i < out->n && rc == CLI_OK; i++) {
        variant *v = &out->v[i];
        char words[256];
        snprintf(words, sizeof words, "%s", v->label);
        char *w = words, *plus = strchr(w, '+');
        if (plus) *plus = '\0';
        if (!*w) {
            cli_error("compare: --variants: '%s' names no optimizer", v->label);
            rc = CLI_USAGE;
            break;
        }
        if (!strcmp(w, def_name)) snprintf(v->opt, sizeof v->opt, "%s", default_opt);
        else snprintf(v->opt, sizeof v->opt, "%s", w);
        nn_optim *o = nn_optim_parse(v->opt);
        if (!o) {
            cli_error("compare: --variants '%s': %s", v->label, nn_errmsg());
            rc = CLI_USAGE;
        }
        nn_optim_free(o);
        while (rc == CLI_OK && plus) {
            w = plus + 1;
            if ((plus = strchr(w, '+'))) *plus = '\0';
            if (!*w) {
                cli_error("compare: --variants: '%s' has an empty remedy", v->label);
                rc = CLI_USAGE;
            } else {
                rc = parse_remedy(w, v);
            }
        }
        for (int j = 0; j < i && rc == CLI_OK; j++)
            if (!strcmp(v->label, out->v[j].label)) {
                cli_error("compare: --variants lists '%s' twice", v->label);
                rc = CLI_USAGE;
            }
    }
    nn_optim_free(def);
    return rc;
}
