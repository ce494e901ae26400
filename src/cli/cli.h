/* cli.h: what the nnlab subcommands share: exit codes, messages, data loading, atomic files, progress, plots. */
#ifndef NNLAB_CLI_H
#define NNLAB_CLI_H

#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <getopt.h>
#include <stdint.h>
#include "nnlab.h"

/* Exit statuses of every subcommand. */
#define CLI_OK 0
#define CLI_ERR 1   /* runtime error (bad file, training failure) */
#define CLI_USAGE 2 /* usage error (unknown option, bad spec, missing argument) */

/* The optimizer of `train` and `compare` when --opt is not given, and train's epochs: chosen by the measurement
 * in docs/defaults.md (bench/defaults.sh), the only recipe of those tried that trains every bundled data set
 * with every activation of compare's suite. */
#define CLI_DEFAULT_OPT "adam:lr=0.01"
#define CLI_DEFAULT_EPOCHS 200
/* A macro's value as a string literal, for help texts. */
#define CLI_STR2(x) #x
#define CLI_STR(x) CLI_STR2(x)

/* Subcommands (src/cli/<name>.c); argv[0] is the subcommand name. */
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_gradcheck(int argc, char **argv);
int cmd_act(int argc, char **argv);
int cmd_datasets(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_playground(int argc, char **argv);

/* "nnlab: <message>" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The message of the last cli_error ("" if none), without the running command's name. */
const char *cli_last_error(void);
/* Set on ranks above 0 by commands whose errors reach rank 0 through cli_dist_all_ok (train, compare): cli_error
 * then records the message without printing it, so that an error every rank meets is printed once, and
 * cli_say prints nothing. */
extern int cli_errors_muted;
/* A line for the user on stderr that is not an error (a warning, what training did), printf-style with its
 * own "nnlab: CMD: " and newline; nothing where cli_errors_muted (rank 0 speaks for an MPI run). */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* nnlab under mpirun (src/cli/dist.c; docs/distributed.md). cli_dist_init starts MPI when an MPI launcher
 * started the process (else nothing: one rank of one) and silences stdout and progress on ranks above 0;
 * -1 if MPI fails. cli_dist_fit_opts makes nn_fit data-parallel over the ranks (0, or -1 on error).
 * cli_dist_all_ok: a collective; 1 if ok on every rank, else 0, rank 0 printing the failing rank's last
 * cli_error message. cli_dist_finish ends MPI. */
int cli_dist_init(int *argc, char ***argv);
void cli_dist_finish(void);
int cli_dist_rank(void);
int cli_dist_size(void);
int cli_dist_fit_opts(nn_fit_opts *o, nn_model *m);
int cli_dist_all_ok(int ok);
/* For commands that hand out work over the ranks (compare): blocking messages of n bytes with a tag (0, or -1),
 * a probe for any waiting message (1 with its sender, tag and size; else 0), a broadcast from rank 0 (0 or -1),
 * and a collective that is 1 if flag is set on any rank. Only the main thread calls them. */
int cli_dist_send(int to, int tag, const void *buf, size_t n);
int cli_dist_probe(int *from, int *tag, size_t *n);
int cli_dist_recv(int from, int tag, void *buf, size_t n);
int cli_dist_bcast(void *buf, size_t n);
int cli_dist_any(int flag);

/* Set by --quiet: no progress output. */
extern int cli_quiet;
/* The subcommand running (main sets it), which cli_error puts before a message that does not name it. */
extern const char *cli_command;

/* Path of a bundled data set ("spirals" -> <data dir>/spirals.csv) or NULL if `name` is none. The data
 * dir is $NNLAB_DATA, else ../share/nnlab/data from the binary's directory (an installed nnlab, also after its prefix
 * moved), else the source tree's data/ (compiled in), else the configured share/nnlab/data. */
const char *cli_bundled_path(const char *name, char *buf, size_t size);
/* Load a data argument: "-" (standard input), a CSV path or a bundled name, read with cli_csv. Prints the
 * reader's notes on stderr (unless --quiet); NULL after printing the error ("did you mean" for a near
 * bundled name). */
nn_dataset *cli_load_data(const char *arg);
/* The parts of cli_load_data: the path of a data argument (a file, else a bundled name; NULL after a
 * "did you mean" error), standard input read whole (NULL after the error), and the data set read from
 * text (when not NULL, as "<stdin>") or path, with the notes printed (arg names it in them). */
const char *cli_data_path(const char *arg, char *buf, size_t size);
char *cli_read_stdin(size_t *len);
nn_dataset *cli_read_data(const char *arg, const char *text, size_t len, const char *path);
/* d's notes on stderr as "nnlab: note: ARG: ..." unless --quiet. */
void cli_print_notes(const char *arg, const nn_dataset *d);
/* An output option: "-" is standard output (*a = NULL), else an atomic file (cli_atomic_open). NULL after
 * the error. cli_output_close commits the file or flushes standard output: 0, or -1 after the error. */
FILE *cli_output_open(const char *path, nn_atomic **a);
int cli_output_close(nn_atomic *a);
/* The CSV options of every data option of the command line (--label-col, --drop-cols, --delimiter and what
 * the command sets for its purpose, e.g. the classes of a model). */
extern nn_csv_opts cli_csv;
/* The options every command that reads a data set takes, for its getopt table, and their help lines. */
enum { CLI_OPT_LABEL_COL = 900, CLI_OPT_DROP_COLS, CLI_OPT_DELIMITER };
#define CLI_DATA_OPTIONS                                                                                        \
    {"label-col", required_argument, NULL, CLI_OPT_LABEL_COL},                                                  \
        {"drop-cols", required_argument, NULL, CLI_OPT_DROP_COLS},                                              \
        {"delimiter", required_argument, NULL, CLI_OPT_DELIMITER}
#define CLI_DATA_HELP                                                                                           \
    "  --label-col C     the label column: a header name or a number counted from 1, negative from the end\n" \
    "                    (default: the last column)\n"                                                        \
    "  --drop-cols A,B   columns to ignore, by name or number\n"                                                \
    "  --delimiter D     ',', ';', tab or space (runs of blanks); default: detected from the first lines\n"
/* Applies one of CLI_DATA_OPTIONS (c: its getopt value) to cli_csv: 0, or -1 after a usage error. */
int cli_data_option(const char *cmd, int c, const char *arg);
/* The class names a model was trained with (its metadata's "class=NAME" lines, in id order), NULL-terminated in
 * one allocation to free(); NULL and *n = 0 when it has none. */
char **cli_model_classes(const nn_model *m, int *n);
/* Sets cli_csv to read labels as model m's classes (by name; or as ids when it has no names); returns the
 * names cli_csv points into, to free() after loading. */
char **cli_use_model_classes(const nn_model *m);
/* The bundled data-set names, sorted, NULL-terminated, in one allocation to free(); NULL if none. */
char **cli_bundled_names(void);
/* strcmp for qsort over char *. */
int cli_cmp_str(const void *a, const void *b);

/* nn_atomic_open and nn_atomic_commit (nnlab/atomic.h) that print the library's message on failure:
 * cli_atomic_open returns the stream to write (NULL after an error), cli_atomic_commit 0 or -1. */
FILE *cli_atomic_open(const char *path, nn_atomic **a);
int cli_atomic_commit(nn_atomic *a);
/* A report directory written as a whole: cli_outdir_open makes a fresh temporary directory beside `out` (its
 * name into tmp) after checking that `out` is absent, empty or an earlier report (index.html); cli_outdir_commit
 * swaps it in place of `out` (nn_atomic_dir_commit). Both return 0, or -1 after printing an error. */
int cli_outdir_open(const char *out, char *tmp, size_t size);
int cli_outdir_commit(const char *tmp, const char *out);
/* 1 if the two paths name one file: the same text, or one existing file reached both ways. */
int cli_same_file(const char *a, const char *b);

/* The one Ctrl-C handler: sets cli_interrupted and calls nn_request_stop(), so every training run stops
 * after its current batch (and commands start no new ones); a second Ctrl-C kills the process. Under mpirun
 * SIGUSR1 does the same (mpirun forwards it to every rank; Ctrl-C it does not). */
extern volatile sig_atomic_t cli_interrupted;
void cli_install_sigint(void);

/* Progress for nn_fit: a live bar redrawn on stderr when it is a terminal, one line per epoch otherwise,
 * nothing with --quiet. Pass cli_progress_batch / cli_progress_epoch with a cli_progress as user data. */
typedef struct cli_progress {
    const char *label; /* e.g. "relu seed 1" */
    int epochs;
    double t0;         /* start time (nn_seconds) */
    double loss;       /* running training loss of the epoch */
    int tty;
    int regression;    /* no accuracy shown (an mse run); cli_progress_init sets 0 */
} cli_progress;
void cli_progress_init(cli_progress *p, const char *label, int epochs);
int cli_progress_batch(int epoch, int batch, int nbatches, double loss, void *user);
int cli_progress_epoch(const nn_epoch_stats *s, void *user);

/* Plots through gnuplot (src/cli/plot.c). A series is n points (x[i], y[i]) with a title. */
typedef struct cli_series {
    const char *title;
    const double *x, *y;
    int n;
} cli_series;
/* Line chart: writes base.dat and base.gp, then renders base.svg and base.png with gnuplot when it is
 * installed. Returns 0 rendered, 1 gnuplot missing (data and script written, a note printed to stderr
 * once per run), -1 error (printed). */
int cli_plot_lines(const char *base, const char *title, const char *xlabel, const char *ylabel,
                   const cli_series *s, int ns);
/* 1 if gnuplot can be run. */
int cli_have_gnuplot(void);

/* Usage error for the option getopt_long just rejected (optstring starting with ':'): names the bad word,
 * says whether a value is missing or extra, lists the valid options. Returns CLI_USAGE. */
int cli_bad_option(const char *cmd, char **argv, const struct option *opts);
/* Parse an option value; 0, or -1 after "nnlab: CMD: --OPT 'S' is not ..." on stderr. */
int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int cli_parse_int(const char *cmd, const char *opt, const char *s, int lo, int hi, int *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double *out);
int cli_parse_nonneg(const char *cmd, const char *opt, const char *s, double *out); /* finite and >= 0 */
int cli_parse_seed(const char *cmd, const char *s, uint64_t *out);
/* --init NAME: an initialiser name (nn_init_parse); 0, or -1 after "nnlab: CMD: --init: ..." on stderr. */
int cli_parse_init(const char *cmd, const char *s, nn_init *out);
/* --loss: one of the library's loss heads but "none"; -1 after the message. */
int cli_parse_loss(const char *cmd, const char *s, nn_loss *out);
/* The data directory cli_bundled_path searches. */
const char *cli_data_dir(void);
/* <directory of the running binary>/rel (e.g. "../share/nnlab/data"), when that directory exists: 0 and the
 * path in buf; else -1. Linux only (/proc/self/exe): elsewhere always -1. */
int cli_exe_relative_dir(const char *rel, char *buf, size_t size);
/* Diagnosis of a finished classification run, shared by train and compare so both say the same thing:
 * 0 if it looks healthy, else 1 with one line in buf ("collapsed: ...; learning rate too high? <hint>").
 * diverged: the run stopped on a non-finite loss; best/final: best and last accuracy per epoch (validation
 * when the run has it); h: its epochs (their training loss tells a rate too low from one too high);
 * classes: class count. hint: where to set the rate in the command (e.g. "try --tune-lr"). */
int cli_diagnose_run(int diverged, double best_acc, double final_acc, const nn_history *h, int classes,
                     const char *hint, char *buf, size_t size);
/* Every score the CLI prints goes through here, so that train and eval of the same model on the same rows
 * print identical strings: "<prefix>loss=L" and, when classify, " <prefix>acc=A", on f. */
void cli_print_scores(FILE *f, const char *prefix, double loss, double acc, int classify);
/* 1 if accuracy means something for model m on data d (class labels, and not a one-output mse regression). */
int cli_scores_accuracy(const nn_model *m, const nn_dataset *d);
/* Load --model `path` for subcommand cmd: CLI_OK, or CLI_USAGE (no path) / CLI_ERR after printing why. */
int cli_load_model(const char *cmd, const char *path, nn_model **m);
/* Warns on stderr when the per-feature standard deviations std[cols] of data (as nn_dataset_fit_standardize
 * gives them) differ by more than 100x while the inputs are not standardised; hint: the remedy. 1 if it warned. */
int cli_warn_scales(const char *cmd, const char *data, const nn_real *std, int cols, const char *hint);

/* The JSON writer (src/cli/json.c). js_str: a string, escaped (NULL: null); js_num: a double, js_real: an nn_real,
 * each as the shortest text that reads back to it exactly, null when not finite (JSON has no NaN or infinity);
 * js_array: n doubles; js_key: sep (e.g. ", "), then "key": . */
void js_str(FILE *f, const char *s);
void js_num(FILE *f, double v);
void js_real(FILE *f, nn_real v);
void js_array(FILE *f, const double *v, int n);
void js_key(FILE *f, const char *sep, const char *key);
/* A classifier's k classes as a JSON array of strings: names (NULL: the ids as text, "0", "1", ...). */
void js_labels(FILE *f, int k, const char *const *names);
/* Ends a live progress line (call after nn_fit before printing results). */
void cli_progress_end(void);

#endif
