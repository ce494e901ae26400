/* playground.c: nnlab playground: where the prebuilt browser playground (web/, NNLAB_WEB) is, and a copy of it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static const char playground_help[] =
    "usage: nnlab playground [--out DIR]\n"
    "The browser playground (docs/playground.md): static files, open index.html from a disk or any web server.\n"
    "Without --out, print the path of the prebuilt copy's index.html; with --out, copy its files into DIR\n"
    "(created if missing; files of the same name are replaced). The copy is looked for beside the binary\n"
    "(../share/nnlab/playground, where cmake --install puts it), in the web build of the source tree and in the\n"
    "install prefix. Exit 1 when there is none: build it with Emscripten first.\n\n"
    "  --out DIR   write index.html, playground.js and nnlab-worker.js into DIR\n";

static const char build_hint[] =
    "build it with Emscripten: emcmake cmake -S . -B build-web -DNNLAB_WEB=ON && cmake --build build-web "
    "(then cmake --install of the native build installs it)";

static int has_page(const char *dir)
{
    char p[4200];
    struct stat st;
    int n = snprintf(p, sizeof p, "%s/index.html", dir);
    return n > 0 && (size_t)n < sizeof p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first directory holding a built playground, into buf; -1 if none. */
static int find_playground(char *buf, size_t size)
{
#ifdef NNLAB_BIN_TO_PLAYGROUND_DIR
    char rel[4096];
    /* the canonical path, without the binary's "bin/.." */
    if (cli_exe_relative_dir(NNLAB_BIN_TO_PLAYGROUND_DIR, rel, sizeof rel) == 0 && has_page(rel) && size >= PATH_MAX &&
        realpath(rel, buf))
        return 0;
#endif
    static const char *const fixed[] = {
#ifdef NNLAB_WEB_PLAYGROUND_DIR
        NNLAB_WEB_PLAYGROUND_DIR,
#endif
#ifdef NNLAB_INSTALL_PLAYGROUND_DIR
        NNLAB_INSTALL_PLAYGROUND_DIR,
#endif
        NULL};
    for (int i = 0; fixed[i]; i++)
        if (has_page(fixed[i]) && (size_t)snprintf(buf, size, "%s", fixed[i]) < size) return 0;
    return -1;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        cli_error("playground: %s: %s", in ? to : from, strerror(errno));
        if (in) fclose(in);
        return -1;
    }
    char block[65536];
    size_t n;
    int bad = 0;
    while ((n = fread(block, 1, sizeof block, in)) > 0)
        if (fwrite(block, 1, n, out) != n) bad = 1;
    bad |= ferror(in);
    fclose(in);
    if (fclose(out) != 0) bad = 1;
    if (bad) cli_error("playground: writing %s failed", to);
    return bad ? -1 : 0;
}

/* Every regular file of dir into out (one level: the playground has no subfolders). */
static int copy_dir(const char *dir, const char *out)
{
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        cli_error("playground: --out %s: %s", out, strerror(errno));
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("playground: %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0, files = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        char from[4200], to[4200];
        struct stat st;
        if (e->d_name[0] == '.') continue;
        if ((size_t)snprintf(from, sizeof from, "%s/%s", dir, e->d_name) >= sizeof from ||
            (size_t)snprintf(to, sizeof to, "%s/%s", out, e->d_name) >= sizeof to) {
            cli_error("playground: path too long");
            rc = -1;
            break;
        }
        if (stat(from, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        rc = copy_file(from, to);
        files += rc == 0;
    }
    closedir(d);
    if (rc == 0) printf("wrote %d files from %s to %s: open %s/index.html in a browser\n", files, dir, out, out);
    return rc;
}

int cmd_playground(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'h') {
            fputs(playground_help, stdout);
            return CLI_OK;
        } else
            return cli_bad_option("playground", argv, opts);
    }
    if (optind < argc) {
        cli_error("playground: unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    char dir[4096];
    if (find_playground(dir, sizeof dir) != 0) {
        cli_error("playground: this nnlab has no prebuilt playground; %s", build_hint);
        return CLI_ERR;
    }
    if (!out) {
        printf("%s/index.html\n", dir);
        return CLI_OK;
    }
    char a[4096], b[4096];
    if (realpath(dir, a) && realpath(out, b) && !strcmp(a, b)) {
        cli_error("playground: --out %s is where the playground is", out);
        return CLI_USAGE;
    }
    return copy_dir(dir, out) == 0 ? CLI_OK : CLI_ERR;
}
