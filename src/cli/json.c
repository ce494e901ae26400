/* json.c: the one JSON writer of the CLI: compare's results.json and the --json documents of train, eval and
 * predict (docs/cli.md#json-output). */
#include <math.h>
#include "cli.h"

void js_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
        else if (*c < 0x20) fprintf(f, "\\u%04x", *c);
        else fputc(*c, f);
    }
    fputc('"', f);
}

/* JSON has no NaN or infinity: a value that is not finite is null. real: v is an nn_real, written as one. */
static void js_number(FILE *f, double v, int real)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    if (real) nn_format_real(buf, sizeof buf, (nn_real)v);
    else nn_format_double(buf, sizeof buf, v);
    fputs(buf, f);
}

void js_num(FILE *f, double v) { js_number(f, v, 0); }

void js_real(FILE *f, nn_real v) { js_number(f, v, 1); }

void js_array(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        js_num(f, v[i]);
    }
    fputc(']', f);
}

void js_key(FILE *f, const char *sep, const char *key)
{
    fputs(sep, f);
    js_str(f, key);
    fputs(": ", f);
}

/* "labels": names, or the ids as text for a model without names, so that the type never changes. */
void js_labels(FILE *f, int k, const char *const *names)
{
    fputc('[', f);
    for (int j = 0; j < k; j++) {
        char id[16];
        snprintf(id, sizeof id, "%d", j);
        if (j) fputs(", ", f);
        js_str(f, names ? names[j] : id);
    }
    fputc(']', f);
}
