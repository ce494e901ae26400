/* plot.c: charts through gnuplot: line charts and decision-boundary images written as data + .gp scripts, rendered to .svg and .png. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "plot.h"

/* Tableau 10: distinct in print, on screen and for the common kinds of colour blindness. */
static const unsigned palette[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                     0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

unsigned cli_plot_colour(int i)
{
    return palette[(unsigned)(i < 0 ? -i : i) % 10u];
}

int cli_have_gnuplot(void)
{
    static int cached = -1;
    if (cached >= 0) return cached;
    cached = 0;
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    char buf[4096];
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        /* An empty PATH entry means the current directory, as execvp reads it. */
        int n = len ? snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)len, p) : snprintf(buf, sizeof buf, "./gnuplot");
        struct stat st;
        if (n > 0 && (size_t)n < sizeof buf && stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) {
            cached = 1;
            break;
        }
        if (!e) break;
        p = e + 1;
    }
    return cached;
}

static void note_missing(void)
{
    static int noted;
    if (noted) return;
    noted = 1;
    cli_error("gnuplot is not installed: charts are written as data (.dat, .rgb) and gnuplot scripts (.gp) but "
              "not rendered; install gnuplot and run 'gnuplot FILE.gp' in the file's directory to draw one");
}

/* Scripts name their files without a directory and gnuplot runs in the script's directory, so that a
 * whole report can be moved and re-rendered by hand with plain 'gnuplot FILE.gp'. */
static int split_base(const char *base, char *dir, size_t dsize, const char **name)
{
    const char *slash = strrchr(base, '/');
    *name = slash ? slash + 1 : base;
    if (!**name) {
        cli_error("%s: plot name has no file part", base);
        return -1;
    }
    int n = slash ? snprintf(dir, dsize, "%.*s", slash == base ? 1 : (int)(slash - base), base)
                  : snprintf(dir, dsize, ".");
    if (n < 0 || (size_t)n >= dsize) {
        cli_error("%s: path too long", base);
        return -1;
    }
    return 0;
}

/* A gnuplot string literal: single quotes take everything literally except '' for one quote. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'') fputs("''", f);
        else if (*s == '\n' || *s == '\r') fputc(' ', f);
        else fputc(*s, f);
    }
    fputc('\'', f);
}

static FILE *open_part(const char *base, const char *ext, char *path, size_t psize, nn_atomic **tmp)
{
    int n = snprintf(path, psize, "%s%s", base, ext);
    if (n < 0 || (size_t)n >= psize) {
        cli_error("%s%s: path too long", base, ext);
        return NULL;
    }
    return cli_atomic_open(path, tmp);
}

/* The part every script shares: output names overridable from the command line (cli_plot_render writes to
 * temporaries that way), then the house style. */
static void gp_header(FILE *f, const char *name, const char *what)
{
    fprintf(f, "# %s.gp: %s, written by nnlab.\n# Render with: gnuplot %s.gp   (in this directory; writes %s.svg and %s.png)\n",
            name, what, name, name, name);
    fprintf(f, "if (!exists(\"svgout\")) svgout = ");
    char buf[1100];
    snprintf(buf, sizeof buf, "%s.svg", name);
    gp_str(f, buf);
    fprintf(f, "\nif (!exists(\"pngout\")) pngout = ");
    snprintf(buf, sizeof buf, "%s.png", name);
    gp_str(f, buf);
    fputs("\nset encoding utf8\n"
          "set border 3 lc rgb '#555555'\n"
          "set tics nomirror out textcolor rgb '#333333'\n"
          "set grid xtics ytics lc rgb '#e3e3e3' lw 1 dt 1\n",
          f);
}

static void gp_title(FILE *f, const char *title, const char *xlabel, const char *ylabel)
{
    if (title && *title) {
        fputs("set title ", f);
        gp_str(f, title);
        fputs(" font ',13'\n", f);
    }
    if (xlabel && *xlabel) {
        fputs("set xlabel ", f);
        gp_str(f, xlabel);
        fputc('\n', f);
    }
    if (ylabel && *ylabel) {
        fputs("set ylabel ", f);
        gp_str(f, ylabel);
        fputc('\n', f);
    }
}

/* Both pictures from one plot command: svg first, then the same plot again as png (pngcairo draws smooth
 * lines; the plain gd png terminal is the fallback of gnuplot builds without cairo). */
static void gp_outputs(FILE *f, int w, int h)
{
    fprintf(f, "set terminal svg size %d,%d noenhanced font 'Sans,12' background rgb 'white'\n", w, h);
    fputs("set output svgout\n", f);
}

static void gp_png(FILE *f, int w, int h)
{
    fprintf(f,
            "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
            "    set terminal pngcairo size %d,%d noenhanced font 'Sans,10' background rgb 'white'\n"
            "} else {\n"
            "    set terminal png size %d,%d noenhanced\n"
            "}\n"
            "set output pngout\nreplot\nunset output\n",
            w, h, w, h);
}

/* The plot command: one line per kept series (data blocks in order), then the marks of each series that has some,
 * as crosses in the series' colour, the first titled marks_title. */
static void gp_plot_lines(FILE *f, const char *name, const cli_series *s, int ns, const char *keep, const cli_series *marks,
                          const char *marks_title)
{
    char dat[1100];
    int k = 0, titled = 0;
    snprintf(dat, sizeof dat, "%s.dat", name);
    fputs("plot ", f);
    for (int i = 0; i < ns; i++) {
        if (!keep[i]) continue;
        if (k) fputs(", \\\n     ", f);
        if (k == 0) gp_str(f, dat);
        else fputs("''", f);
        fprintf(f, " index %d using 1:2 with lines ls %d title ", k++, i + 1);
        gp_str(f, s[i].title ? s[i].title : "");
    }
    for (int i = 0; marks && i < ns; i++) {
        if (!keep[i] || marks[i].n <= 0) continue;
        fprintf(f, ", \\\n     '' index %d using 1:2 with points ls %d pt 2 ps 1.6 lw 2 ", k++, i + 1);
        if (titled++ || !marks_title) fputs("notitle", f);
        else fputs("title ", f), gp_str(f, marks_title);
    }
    fputc('\n', f);
}

int cli_plot_lines_opts(const char *base, const char *title, const char *xlabel, const char *ylabel,
                        const cli_series *s, int ns, const cli_plot_opts *o)
{
    char dir[4096], path[4200];
    nn_atomic *tmp;
    const char *name;
    if (split_base(base, dir, sizeof dir, &name)) return -1;
    int logy = o && o->logy;
    char *keep = calloc((size_t)(ns > 0 ? ns : 1), 1);
    if (!keep) {
        cli_error("%s: out of memory", base);
        return -1;
    }
    int nkeep = 0;
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < s[i].n; j++) {
            if (isfinite(s[i].y[j]) && isfinite(s[i].x[j])) keep[i] = 1;
            /* A log axis cannot show zero or negative values: fall back to linear rather than lose points. */
            if (isfinite(s[i].y[j]) && s[i].y[j] <= 0) logy = 0;
        }
    for (int i = 0; i < ns; i++) nkeep += keep[i];

    FILE *f = open_part(base, ".dat", path, sizeof path, &tmp);
    if (!f) goto fail;
    fprintf(f, "# %s: %s; one block per series (x y), blocks separated by two blank lines\n", name,
            title ? title : "");
    for (int i = 0; i < ns; i++) {
        if (!keep[i]) continue;
        fprintf(f, "# %s\n", s[i].title ? s[i].title : "");
        for (int j = 0; j < s[i].n; j++) {
            /* gnuplot takes "nan" as undefined, which leaves a gap instead of a line to zero. */
            if (isfinite(s[i].y[j])) fprintf(f, "%.9g %.9g\n", s[i].x[j], s[i].y[j]);
            else fprintf(f, "%.9g nan\n", s[i].x[j]);
        }
        fputs("\n\n", f);
    }
    for (int i = 0; o && o->marks && i < ns; i++) {
        if (!keep[i] || o->marks[i].n <= 0) continue;
        fprintf(f, "# %s: marks\n", s[i].title ? s[i].title : "");
        for (int j = 0; j < o->marks[i].n; j++) fprintf(f, "%.9g %.9g\n", o->marks[i].x[j], o->marks[i].y[j]);
        fputs("\n\n", f);
    }
    if (cli_atomic_commit(tmp)) goto fail;

    f = open_part(base, ".gp", path, sizeof path, &tmp);
    if (!f) goto fail;
    gp_header(f, name, title && *title ? title : "line chart");
    gp_title(f, title, xlabel, ylabel);
    fputs("set key outside right top vertical Left reverse samplen 2.5 spacing 1.2\n", f);
    if (logy) fputs("set logscale y\n", f);
    fputs("set datafile missing 'nan'\n", f);
    for (int i = 0; i < ns; i++)
        fprintf(f, "set style line %d lc rgb '#%06x' lw 2 dt %d\n", i + 1, cli_plot_colour(i), i / 10 + 1);
    gp_outputs(f, 900, 520);
    if (nkeep == 0) {
        fputs("set label 'no data' at graph 0.5, 0.5 center\nplot [0:1] NaN notitle\n", f);
    } else {
        gp_plot_lines(f, name, s, ns, keep, o ? o->marks : NULL, o ? o->marks_title : NULL);
    }
    gp_png(f, 900, 520);
    if (cli_atomic_commit(tmp)) goto fail;
    free(keep);
    if (o && !o->render) return 0;
    return cli_plot_render(&base, 1, 1);
fail:
    free(keep);
    return -1;
}

int cli_plot_lines(const char *base, const char *title, const char *xlabel, const char *ylabel,
                   const cli_series *s, int ns)
{
    cli_plot_opts o = {.logy = 0, .render = 1};
    return cli_plot_lines_opts(base, title, xlabel, ylabel, s, ns, &o);
}

int cli_plot_boundary(const char *base, const char *title, const char *xlabel, const char *ylabel, int w, int h,
                      double x0, double x1, double y0, double y1, const unsigned char *rgb, const double *px,
                      const double *py, const int *pclass, int np, int render)
{
    char dir[4096], path[4200];
    nn_atomic *tmp;
    const char *name;
    if (split_base(base, dir, sizeof dir, &name)) return -1;
    if (w < 1 || h < 1 || !(x1 > x0) || !(y1 > y0)) {
        cli_error("%s: empty boundary grid", base);
        return -1;
    }
    FILE *f = open_part(base, ".rgb", path, sizeof path, &tmp);
    if (!f) return -1;
    fwrite(rgb, 3, (size_t)w * (size_t)h, f);
    if (cli_atomic_commit(tmp)) return -1;

    f = open_part(base, "_points.dat", path, sizeof path, &tmp);
    if (!f) return -1;
    fprintf(f, "# %s_points.dat: x y colour(0xRRGGBB) class\n", name);
    for (int i = 0; i < np; i++)
        fprintf(f, "%.9g %.9g %u %d\n", px[i], py[i], cli_plot_colour(pclass[i]), pclass[i]);
    if (cli_atomic_commit(tmp)) return -1;

    f = open_part(base, ".gp", path, sizeof path, &tmp);
    if (!f) return -1;
    gp_header(f, name, title && *title ? title : "decision boundary");
    gp_title(f, title, xlabel, ylabel);
    double dx = (x1 - x0) / w, dy = (y1 - y0) / h;
    fprintf(f, "unset key\nunset grid\nset size ratio -1\nset xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", x0,
            x1, y0, y1);
    gp_outputs(f, 600, 560);
    char part[1100];
    snprintf(part, sizeof part, "%s.rgb", name);
    fputs("plot ", f);
    gp_str(f, part);
    /* origin is the centre of the first pixel; rows run upwards from y0. */
    fprintf(f,
            " binary array=(%d,%d) format='%%uchar%%uchar%%uchar' origin=(%.9g,%.9g) dx=%.9g dy=%.9g "
            "with rgbimage, \\\n     ",
            w, h, x0 + dx / 2, y0 + dy / 2, dx, dy);
    snprintf(part, sizeof part, "%s_points.dat", name);
    if (np > 0) {
        gp_str(f, part);
        fputs(" using 1:2:3 with points pt 7 ps 0.6 lc rgb variable, \\\n     '' using 1:2 with points pt 6 "
              "ps 0.6 lw 0.5 lc rgb '#222222'\n",
              f);
    } else {
        fputs("NaN notitle\n", f);
    }
    gp_png(f, 600, 560);
    if (cli_atomic_commit(tmp)) return -1;
    if (!render) return 0;
    return cli_plot_render(&base, 1, 1);
}

/* One gnuplot run in flight: it writes the pictures into the temporaries of out[] (svg, png). */
typedef struct gp_job {
    pid_t pid;
    char dir[4096];
    char name[1024];
    nn_atomic *out[2];
} gp_job;

static const char *const gp_exts[2] = {"svg", "png"};

static void gp_abort(gp_job *j)
{
    for (int p = 0; p < 2; p++) nn_atomic_abort(j->out[p]), j->out[p] = NULL;
}

static int gp_spawn(const char *base, gp_job *j)
{
    const char *name;
    if (split_base(base, j->dir, sizeof j->dir, &name)) return -1;
    if (strlen(name) >= sizeof j->name - 32) {
        cli_error("%s: name too long", base);
        return -1;
    }
    snprintf(j->name, sizeof j->name, "%s", name);
    /* The output names reach gnuplot as string literals in one -e argument: no shell is involved, and
     * gp-style quoting keeps any character of the name literal. Absolute, as gnuplot runs in j->dir. */
    char expr[2 * 2 * PATH_MAX + 64], script[1100], path[5200], abs[PATH_MAX];
    size_t k = 0;
    const char *vars[2] = {"svgout='", "; pngout='"};
    for (int p = 0; p < 2; p++) {
        snprintf(path, sizeof path, "%s.%s", base, gp_exts[p]);
        if (!cli_atomic_open(path, &j->out[p])) goto fail;
        if (!realpath(nn_atomic_tmpname(j->out[p]), abs)) {
            cli_error("%s: %s", nn_atomic_tmpname(j->out[p]), strerror(errno));
            goto fail;
        }
        for (const char *c = vars[p]; *c; c++) expr[k++] = *c;
        for (const char *c = abs; *c; c++) {
            if (*c == '\'') expr[k++] = '\'';
            expr[k++] = *c;
        }
        expr[k++] = '\'';
    }
    expr[k] = '\0';
    snprintf(script, sizeof script, "%s.gp", name);
    fflush(stdout);
    fflush(stderr);
    pid_t c = fork();
    if (c < 0) {
        cli_error("cannot run gnuplot: %s", strerror(errno));
        goto fail;
    }
    if (c == 0) {
        char *argv[] = {(char *)"gnuplot", (char *)"-e", expr, script, NULL};
        if (chdir(j->dir) != 0) _exit(126);
        execvp("gnuplot", argv);
        _exit(127);
    }
    j->pid = c;
    return 0;
fail:
    gp_abort(j);
    return -1;
}

static int gp_finish(gp_job *j, int status)
{
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) {
        gp_abort(j);
        cli_error("gnuplot failed on %s/%s.gp (%s %d)", j->dir, j->name,
                  WIFEXITED(status) ? "exit status" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return -1;
    }
    for (int p = 0; p < 2; p++) {
        if (cli_atomic_commit(j->out[p])) ok = 0;
        j->out[p] = NULL;
    }
    return ok ? 0 : -1;
}

int cli_plot_render(const char *const *bases, int n, int jobs)
{
    if (n <= 0) return 0;
    if (!cli_have_gnuplot()) {
        note_missing();
        return 1;
    }
    if (jobs < 1) jobs = 1;
    if (jobs > 8) jobs = 8;
    gp_job *run = calloc((size_t)jobs, sizeof *run);
    if (!run) {
        cli_error("out of memory");
        return -1;
    }
    int rc = 0, next = 0, active = 0;
    while (next < n || active > 0) {
        while (next < n && active < jobs) {
            int slot = 0;
            while (run[slot].pid) slot++;
            if (gp_spawn(bases[next++], &run[slot])) {
                rc = -1;
                continue;
            }
            active++;
        }
        if (!active) break;
        int status;
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0) {
            if (errno == EINTR) continue;
            cli_error("waiting for gnuplot: %s", strerror(errno));
            rc = -1;
            break;
        }
        for (int s = 0; s < jobs; s++)
            if (run[s].pid == p) {
                if (gp_finish(&run[s], status)) rc = -1;
                run[s].pid = 0;
                active--;
            }
    }
    free(run);
    return rc;
}
