/* plot.h: the plotting helpers of plot.c that compare needs beyond cli.h: chart options, decision-boundary images, batch rendering, colours. */
#ifndef NNLAB_CLI_PLOT_H
#define NNLAB_CLI_PLOT_H

#include "cli.h"

/* Options of a line chart beyond cli_plot_lines. */
typedef struct cli_plot_opts {
    int logy;   /* logarithmic y axis (losses spanning decades) */
    int render; /* 1: run gnuplot now; 0: only write base.dat and base.gp (render later with cli_plot_render) */
    const cli_series *marks; /* NULL, or per series points marked with a cross in its colour (e.g. where a run diverged) */
    const char *marks_title; /* the legend entry of the marks */
} cli_plot_opts;

/* cli_plot_lines with options. Returns as cli_plot_lines (0 also when render is 0 and the files are written). */
int cli_plot_lines_opts(const char *base, const char *title, const char *xlabel, const char *ylabel,
                        const cli_series *s, int ns, const cli_plot_opts *o);

/* A 2-D decision-boundary picture: an image of w x h pixels (rgb, 3 bytes each, row 0 at the bottom, y0)
 * covering [x0, x1] x [y0, y1], with np points (px, py) on top, each coloured by its class.
 * Writes base.rgb (the raw pixels), base_points.dat and base.gp; renders when render is 1.
 * Returns as cli_plot_lines_opts. */
int cli_plot_boundary(const char *base, const char *title, const char *xlabel, const char *ylabel, int w, int h,
                      double x0, double x1, double y0, double y1, const unsigned char *rgb, const double *px,
                      const double *py, const int *pclass, int np, int render);

/* Render base.gp for each of the n bases (base.svg and base.png, written to temporaries and renamed), running
 * up to `jobs` gnuplot processes at once. 0 all rendered, 1 gnuplot missing (note printed once), -1 a script
 * failed (printed; the others are still rendered). */
int cli_plot_render(const char *const *bases, int n, int jobs);

/* Colour i (classes, series) as 0xRRGGBB: a palette of ten that stays distinct for colour-blind readers. */
unsigned cli_plot_colour(int i);

#endif
