/* file.c: the library's one whole-file reader (CSV files, model files, and the CLI's standard input). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Parsing in place needs no line-length limit. */
char *nn_read_stream(FILE *f, const char *name, size_t *len)
{
    if (!f || !len) {
        nn_fail(NN_EINVAL, "nn_read_stream: NULL argument");
        return NULL;
    }
    if (!name) name = "<stream>";
    size_t cap = 1 << 16, n = 0;
    char *buf = nn_malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1) break;
        char *b = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!b) {
            nn_fail(NN_ENOMEM, "%s: out of memory reading the file", name);
            free(buf);
            buf = NULL;
        } else {
            buf = b;
            cap *= 2;
        }
    }
    if (buf && ferror(f)) {
        nn_fail(NN_EIO, "%s: read error: %s", name, strerror(errno));
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

char *nn_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nn_fail(NN_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = nn_read_stream(f, path, len);
    fclose(f);
    return buf;
}
