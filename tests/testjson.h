/* testjson.h: a strict little JSON checker for the tests that read nnlab's JSON (compare's results.json, the
 * --json documents of train, eval and predict): validity, and the value at a path. */
#ifndef NNLAB_TESTJSON_H
#define NNLAB_TESTJSON_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline const char *js_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') s++;
    return s;
}

static inline const char *js_value(const char *s, int depth);

static inline const char *js_string(const char *s)
{
    if (*s++ != '"') return NULL;
    while (*s && *s != '"') {
        if ((unsigned char)*s < 0x20) return NULL;
        if (*s == '\\') {
            s++;
            if (*s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i]) return NULL;
                s += 4;
            } else if (!*s || !strchr("\"\\/bfnrt", *s)) {
                return NULL;
            }
        }
        s++;
    }
    return *s == '"' ? s + 1 : NULL;
}

static inline const char *js_number(const char *s)
{
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (*s >= '0' && *s <= '9') s++;
    else return NULL;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    return s;
}

static inline const char *js_value(const char *s, int depth)
{
    if (depth > 64) return NULL;
    s = js_ws(s);
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        s = js_ws(s + 1);
        if (*s == close) return s + 1;
        for (;;) {
            if (close == '}') {
                s = js_string(js_ws(s));
                if (!s) return NULL;
                s = js_ws(s);
                if (*s++ != ':') return NULL;
            }
            s = js_value(s, depth + 1);
            if (!s) return NULL;
            s = js_ws(s);
            if (*s == ',') {
                s++;
                continue;
            }
            return *s == close ? s + 1 : NULL;
        }
    }
    if (*s == '"') return js_string(s);
    if (!strncmp(s, "true", 4)) return s + 4;
    if (!strncmp(s, "false", 5)) return s + 5;
    if (!strncmp(s, "null", 4)) return s + 4;
    return js_number(s);
}

/* 1 if s is one valid JSON value (RFC 8259) and nothing else. */
static inline int json_valid(const char *s)
{
    const char *e = js_value(s, 0);
    return e && *js_ws(e) == '\0';
}

/* The value at path in the JSON document doc, past its leading blanks, or NULL when absent. A path is keys and
 * indexes: "final.loss", "history[2].epoch", "confusion_matrix[1][0]"; "" is the document itself. Keys are
 * compared as written between the quotes (nnlab's keys need no escapes). */
static inline const char *json_at(const char *doc, const char *path)
{
    const char *s = js_ws(doc);
    while (*path) {
        if (*path == '.') path++;
        if (*path == '[') {
            long want = strtol(path + 1, (char **)&path, 10);
            if (*path++ != ']' || *s != '[') return NULL;
            s = js_ws(s + 1);
            for (long i = 0;; i++) {
                if (*s == ']') return NULL;
                if (i == want) break;
                if (!(s = js_value(s, 1))) return NULL;
                s = js_ws(s);
                if (*s++ != ',') return NULL;
                s = js_ws(s);
            }
            continue;
        }
        size_t len = strcspn(path, ".[");
        if (*s != '{') return NULL;
        s = js_ws(s + 1);
        for (;;) {
            if (*s != '"') return NULL;
            const char *key = s + 1, *end = js_string(s);
            if (!end) return NULL;
            s = js_ws(end);
            if (*s++ != ':') return NULL;
            s = js_ws(s);
            if ((size_t)(end - 1 - key) == len && !strncmp(key, path, len)) break;
            if (!(s = js_value(s, 1))) return NULL;
            s = js_ws(s);
            if (*s++ != ',') return NULL;
            s = js_ws(s);
        }
        path += len;
    }
    return s;
}

/* The number at path; NAN when absent, null or not a number. */
static inline double json_num(const char *doc, const char *path)
{
    const char *s = json_at(doc, path);
    return s && js_number(s) ? strtod(s, NULL) : NAN;
}

/* 1 if the value at path is the string want (no escapes). */
static inline int json_str_is(const char *doc, const char *path, const char *want)
{
    const char *s = json_at(doc, path);
    size_t n = strlen(want);
    return s && *s == '"' && !strncmp(s + 1, want, n) && s[n + 1] == '"';
}

/* The number of elements of the array at path; -1 when it is not an array. */
static inline int json_len(const char *doc, const char *path)
{
    const char *s = json_at(doc, path);
    if (!s || *s != '[') return -1;
    s = js_ws(s + 1);
    if (*s == ']') return 0;
    int n = 1;
    for (; (s = js_value(s, 1)) && *(s = js_ws(s)) == ','; s++) n++;
    return s && *s == ']' ? n : -1;
}

#endif
