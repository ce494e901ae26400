/* test_data.c: data sets: CSV load/save and its errors, split, standardisation, toy generators, bundled CSVs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

/* Temporary files live in the test's working directory (the build tree), one name per test. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void assert_err(const char *want)
{
    ck_assert_msg(strstr(nn_errmsg(), want) != NULL, "message '%s' lacks '%s'", nn_errmsg(), want);
}

/* Load text written to path; NULL expected, with a message holding want. */
static void load_fails(const char *path, const char *text, int header, const char *want)
{
    write_file(path, text);
    nn_errclear();
    nn_dataset *d = nn_dataset_load_csv(path, header);
    ck_assert_ptr_null(d);
    assert_err(want);
    remove(path);
}

static char *copy_str(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    ck_assert_ptr_nonnull(c);
    return strcpy(c, s);
}

static void assert_same(const nn_dataset *a, const nn_dataset *b)
{
    ck_assert_int_eq(a->rows, b->rows);
    ck_assert_int_eq(a->cols, b->cols);
    ck_assert_int_eq(a->nclasses, b->nclasses);
    ck_assert_mem_eq(a->x, b->x, (size_t)a->rows * (size_t)a->cols * sizeof(nn_real));
    ck_assert_mem_eq(a->y, b->y, (size_t)a->rows * sizeof(nn_real));
}

/* A data set whose values need every digit: normals over many magnitudes, plus signed zero. */
static nn_dataset *awkward(int rows, int cols, int nclasses, uint64_t seed)
{
    nn_dataset *d = nn_dataset_new(rows, cols);
    ck_assert_ptr_nonnull(d);
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int i = 0; i < rows * cols; i++)
        d->x[i] = (nn_real)(nn_rng_normal(&r) * pow(10.0, (int)nn_rng_below(&r, 41) - 20));
    d->x[0] = (nn_real)-0.0;
    d->nclasses = nclasses;
    for (int i = 0; i < rows; i++)
        d->y[i] = nclasses ? (nn_real)nn_rng_below(&r, (uint32_t)nclasses) : (nn_real)nn_rng_normal(&r);
    if (nclasses) d->y[0] = (nn_real)(nclasses - 1); /* so that max + 1 = nclasses on reload */
    return d;
}

START_TEST(test_new_free_subset)
{
    nn_dataset *d = nn_dataset_new(5, 3);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->rows, 5);
    ck_assert_int_eq(d->cols, 3);
    ck_assert_int_eq(d->nclasses, 0);
    ck_assert_ptr_null(d->names);
    for (int i = 0; i < 15; i++) {
        ck_assert(d->x[i] == 0);
        d->x[i] = (nn_real)i;
    }
    for (int i = 0; i < 5; i++) d->y[i] = (nn_real)(10 + i);
    d->nclasses = 15;
    int idx[3] = {4, 0, 4};
    nn_dataset *s = nn_dataset_subset(d, idx, 3);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->rows, 3);
    ck_assert_int_eq(s->nclasses, 15);
    ck_assert(s->x[0] == 12 && s->x[3] == 0 && s->x[8] == 14);
    ck_assert(s->y[0] == 14 && s->y[1] == 10 && s->y[2] == 14);
    nn_dataset *all = nn_dataset_subset(d, NULL, 0);
    assert_same(all, d);
    nn_dataset_free(all);
    nn_dataset_free(s);

    idx[1] = 5;
    ck_assert_ptr_null(nn_dataset_subset(d, idx, 3));
    assert_err("row index 5 out of range");
    nn_dataset_free(d);
    nn_dataset_free(NULL);

    ck_assert_ptr_null(nn_dataset_new(-1, 3));
    assert_err("-1 rows");
    ck_assert_ptr_null(nn_dataset_new(3, 0));
    assert_err("0 columns");
    d = nn_dataset_new(0, 2);
    ck_assert_ptr_nonnull(d);
    nn_dataset_free(d);
}
END_TEST

START_TEST(test_csv_roundtrip)
{
    const char *path = "test_data_roundtrip.csv";
    for (int nc = 0; nc <= 7; nc += 7) {
        nn_dataset *d = awkward(200, 5, nc, 42 + (uint64_t)nc);
        ck_assert_int_eq(nn_dataset_save_csv(d, path, "a comment\nover two lines"), NN_OK);
        nn_dataset *e = nn_dataset_load_csv(path, -1);
        ck_assert_msg(e != NULL, "%s", nn_errmsg());
        assert_same(e, d);
        ck_assert(signbit(e->x[0]));
        ck_assert_ptr_nonnull(e->names);
        ck_assert_str_eq(e->names[0], "x1");
        ck_assert_str_eq(e->names[4], "x5");
        nn_dataset_free(e);
        nn_dataset_free(d);
    }
    /* The comment lines come first, then the header; no temporary is left behind. */
    FILE *f = fopen(path, "r");
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "# a comment\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "# over two lines\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "x1,x2,x3,x4,x5,label\n");
    fclose(f);
    ck_assert_ptr_null(fopen("test_data_roundtrip.csv.tmp", "r"));

    /* Names survive, and classification labels are written as integers. */
    nn_dataset *d = nn_dataset_new(2, 2);
    d->names = calloc(2, sizeof *d->names);
    d->names[0] = copy_str("alpha");
    d->names[1] = copy_str("beta");
    d->x[0] = (nn_real)0.1;
    d->y[1] = 2;
    d->nclasses = 3;
    ck_assert_int_eq(nn_dataset_save_csv(d, path, NULL), NN_OK);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "alpha,beta,label\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "0.1,0,0\n");
    fclose(f);
    nn_dataset *e = nn_dataset_load_csv(path, -1);
    assert_same(e, d);
    ck_assert_str_eq(e->names[1], "beta");
    nn_dataset_free(e);
    remove(path);

    /* Bad content is refused before anything is written. */
    d->x[3] = (nn_real)NAN;
    ck_assert_int_eq(nn_dataset_save_csv(d, path, NULL), NN_EINVAL);
    assert_err("row 2 column 2 is not finite");
    d->x[3] = 0;
    d->y[0] = (nn_real)0.5;
    ck_assert_int_eq(nn_dataset_save_csv(d, path, NULL), NN_EINVAL);
    assert_err("label 0.5 is not a class index");
    d->y[0] = 0;
    d->names[0][0] = ',';
    ck_assert_int_eq(nn_dataset_save_csv(d, path, NULL), NN_EINVAL);
    assert_err("column 1 name");
    ck_assert_ptr_null(fopen(path, "r"));
    d->names[0][0] = 'a';
    ck_assert_int_eq(nn_dataset_save_csv(d, "test_data_no_such_dir/x.csv", NULL), NN_EIO);
    assert_err("test_data_no_such_dir/x.csv: cannot create a file beside it: No such file or directory");
    nn_dataset_free(d);
}
END_TEST

START_TEST(test_csv_header)
{
    const char *path = "test_data_header.csv";
    write_file(path, "a,b,label\n1,2,0\n3,4,1\n");
    nn_dataset *d = nn_dataset_load_csv(path, -1);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->rows, 2);
    ck_assert_int_eq(d->cols, 2);
    ck_assert_int_eq(d->nclasses, 2);
    ck_assert_str_eq(d->names[0], "a");
    ck_assert_str_eq(d->names[1], "b");
    nn_dataset_free(d);
    d = nn_dataset_load_csv(path, 1);
    ck_assert_int_eq(d->rows, 2);
    nn_dataset_free(d);
    ck_assert_ptr_null(nn_dataset_load_csv(path, 0));
    assert_err("test_data_header.csv:1: column 1: 'a' is not a number");

    /* All-numeric first row: detection says data; header = 1 forces it to names. */
    write_file(path, "1,2,0\n3,4,1\n");
    d = nn_dataset_load_csv(path, -1);
    ck_assert_int_eq(d->rows, 2);
    ck_assert_ptr_null(d->names);
    ck_assert(d->x[0] == 1 && d->x[3] == 4 && d->y[1] == 1);
    nn_dataset_free(d);
    d = nn_dataset_load_csv(path, 1);
    ck_assert_int_eq(d->rows, 1);
    ck_assert_str_eq(d->names[1], "2");
    nn_dataset_free(d);
    ck_assert_ptr_null(nn_dataset_load_csv(path, 2));
    assert_err("header must be");

    /* A header cell that is numeric does not hide the non-numeric one after it. */
    write_file(path, "1,nan,y\n1,2,0\n");
    d = nn_dataset_load_csv(path, -1);
    ck_assert_int_eq(d->rows, 1);
    ck_assert_str_eq(d->names[1], "nan");
    nn_dataset_free(d);
    remove(path);
}
END_TEST

START_TEST(test_csv_lines)
{
    const char *path = "test_data_lines.csv";
    write_file(path, "\xEF\xBB\xBF# made by hand\r\n\r\n  first , \"second\" ,y\r\n 1.5 ,\t-2 , 0 \r\n"
                     "\n   \n  # indented comment\n3e2,4,3\r\n5,6,1");
    nn_dataset *d = nn_dataset_load_csv(path, -1);
    ck_assert_msg(d != NULL, "%s", nn_errmsg());
    ck_assert_int_eq(d->rows, 3);
    ck_assert_int_eq(d->cols, 2);
    ck_assert_int_eq(d->nclasses, 4);
    ck_assert_str_eq(d->names[0], "first");
    ck_assert_str_eq(d->names[1], "second");
    ck_assert(d->x[0] == (nn_real)1.5 && d->x[1] == -2 && d->x[2] == 300 && d->x[5] == 6);
    ck_assert(d->y[0] == 0 && d->y[1] == 3 && d->y[2] == 1);
    nn_dataset_free(d);

    /* Labels that are not whole numbers >= 0 make a regression set. */
    write_file(path, "1,0.5\n2,1\n");
    d = nn_dataset_load_csv(path, -1);
    ck_assert_int_eq(d->nclasses, 0);
    ck_assert(d->y[0] == (nn_real)0.5);
    nn_dataset_free(d);
    write_file(path, "1,-1\n2,1\n");
    d = nn_dataset_load_csv(path, -1);
    ck_assert_int_eq(d->nclasses, 0);
    nn_dataset_free(d);
    write_file(path, "1,0\n2,0\n");
    d = nn_dataset_load_csv(path, -1);
    ck_assert_int_eq(d->nclasses, 2);
    nn_dataset_free(d);

    /* A line far longer than any buffer a line reader would use. */
    enum { WIDE = 6000 };
    FILE *f = fopen(path, "w");
    for (int r = 0; r < 3; r++) {
        for (int j = 0; j < WIDE; j++) fprintf(f, "%d.25,", j);
        fprintf(f, "%d\n", r);
    }
    fclose(f);
    d = nn_dataset_load_csv(path, -1);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cols, WIDE);
    ck_assert_int_eq(d->nclasses, 3);
    ck_assert(d->x[2 * WIDE + WIDE - 1] == (nn_real)(WIDE - 1 + 0.25));
    nn_dataset_free(d);
    remove(path);
}
END_TEST

START_TEST(test_csv_errors)
{
    const char *path = "test_data_bad.csv";
    load_fails(path, "x,y,label\n1,2,0\n\n1,abc,1\n", -1, "test_data_bad.csv:4: column 2: 'abc' is not a number");
    load_fails(path, "1,2,0\n1,,1\n", -1, "test_data_bad.csv:2: column 2: '' is not a number");
    load_fails(path, "1,2,0\n1,2,inf\n", -1, "test_data_bad.csv:2: column 3: 'inf' is not a finite number");
    load_fails(path, "1,2,0\n1,2 3,1\n", -1, "column 2: '2 3' is not a number");
    load_fails(path, "a,b,c,d,label\n# note\n1,2,0\n", -1, "test_data_bad.csv:3: 3 columns, expected 5");
    load_fails(path, "1,2,0\n1,2,3,4\n", -1, "test_data_bad.csv:2: 4 columns, expected 3");
    load_fails(path, "1,2,0\r\n1\r\n", -1, "test_data_bad.csv:2: 1 column, expected 3");
    load_fails(path, "# nothing\nx,y,label\n\n", -1, "test_data_bad.csv:2: no data rows: only a header line");
    load_fails(path, "", -1, "test_data_bad.csv: no data rows: the input is empty");
    load_fails(path, "1\n2\n", -1, "test_data_bad.csv:1: 1 column, need at least 2");
#ifndef NNLAB_DOUBLE
    load_fails(path, "1e39,0\n", -1, "column 1: '1e39' is out of range");
    load_fails(path, "1,1e39\n", -1, "column 2: '1e39' is out of range");
#endif
    load_fails(path, "1e999,0\n", -1, "column 1: '1e999' is out of range");
    load_fails(path, "1,2,0\n1,2,3,4", 0, "test_data_bad.csv:2: 4 columns");
    nn_errclear();
    ck_assert_ptr_null(nn_dataset_load_csv("test_data_missing.csv", -1));
    assert_err("test_data_missing.csv: cannot open: ");
    assert_err("No such file");
}
END_TEST

static nn_dataset *numbered(int rows)
{
    /* Column 0 holds the row number so every row can be traced through a split. */
    nn_dataset *d = nn_dataset_new(rows, 2);
    for (int i = 0; i < rows; i++) {
        d->x[2 * i] = (nn_real)i;
        d->x[2 * i + 1] = (nn_real)(-i);
        d->y[i] = (nn_real)(i % 3);
    }
    d->nclasses = 3;
    return d;
}


/* text parsed with options o (labels by default AUTO); must succeed. */
static nn_dataset *parse_ok(const char *text, const nn_csv_opts *o)
{
    nn_dataset *d = nn_dataset_parse_csv(text, strlen(text), "t.csv", o);
    ck_assert_msg(d != NULL, "'%s': %s", text, nn_errmsg());
    return d;
}

static void parse_fails(const char *text, const nn_csv_opts *o, const char *want)
{
    nn_errclear();
    ck_assert_ptr_null(nn_dataset_parse_csv(text, strlen(text), "t.csv", o));
    assert_err(want);
}

static void assert_x(const nn_dataset *d, int rows, int cols, const double *x)
{
    ck_assert_int_eq(d->rows, rows);
    ck_assert_int_eq(d->cols, cols);
    for (int i = 0; i < rows * cols; i++)
        ck_assert_msg(d->x[i] == (nn_real)x[i], "x[%d] = %g, want %g", i, (double)d->x[i], x[i]);
}

/* The files users have (issue 12): each read as the user meant it. */
START_TEST(test_csv_user_files)
{
    nn_csv_opts o = nn_csv_defaults();
    static const double x3[] = {5.1, 3.5, 4.9, 3.0, 6, 3};

    /* Label first, chosen by number and by name. */
    o.label = "1";
    nn_dataset *d = parse_ok("species,sl,sw\n0,5.1,3.5\n1,4.9,3.0\n2,6,3\n", &o);
    assert_x(d, 3, 2, x3);
    ck_assert_int_eq(d->nclasses, 3);
    ck_assert(d->y[0] == 0 && d->y[2] == 2);
    ck_assert_str_eq(d->names[0], "sl");
    ck_assert_ptr_null(d->notes);
    nn_dataset_free(d);
    o.label = "species";
    d = parse_ok("species,sl,sw\n0,5.1,3.5\n1,4.9,3.0\n2,6,3\n", &o);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    o.label = "-3";
    d = parse_ok("0,5.1,3.5\n1,4.9,3.0\n2,6,3\n", &o);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    o.label = "petal";
    parse_fails("species,sl,sw\n0,5.1,3.5\n", &o, "t.csv: label column 'petal' is not in the header (columns: species, sl, sw)");
    o.label = "0";
    parse_fails("1,2,0\n", &o, "t.csv: label column 0: columns are counted from 1 (or from -1 at the end) and the file has 3");
    o.label = "sl";
    parse_fails("0,5.1,3.5\n1,4.9,3.0\n", &o, "t.csv: label column 'sl': the file has no header to find the name in");
    o.label = NULL;

    /* Text labels: class names, ids in sorted order whatever the row order. */
    d = parse_ok("sl,sw,species\n5.1,3.5,virginica\n4.9,3,setosa\n6,3,versicolor\n5,3,setosa\n", NULL);
    ck_assert_int_eq(d->nclasses, 3);
    ck_assert_str_eq(d->class_names[0], "setosa");
    ck_assert_str_eq(d->class_names[2], "virginica");
    ck_assert(d->y[0] == 2 && d->y[1] == 0 && d->y[2] == 1 && d->y[3] == 0);
    ck_assert_str_eq(d->notes, "text labels mapped in sorted order to class ids 0=setosa, 1=versicolor, 2=virginica\n");
    nn_dataset *s = nn_dataset_subset(d, NULL, 0);
    ck_assert_str_eq(s->class_names[1], "versicolor");
    nn_dataset_free(s);
    nn_dataset_free(d);
    parse_fails("1,2,setosa\n3,4,setosa\n", NULL, "t.csv: the label column holds only the class 'setosa'");

    /* Labels 1..K, and with gaps: mapped, with a note; 0..K-1 are the ids as they are. */
    d = parse_ok("1,2,1\n3,4,3\n5,6,2\n7,8,10\n", NULL);
    ck_assert_int_eq(d->nclasses, 4);
    ck_assert(d->y[0] == 0 && d->y[1] == 2 && d->y[2] == 1 && d->y[3] == 3);
    ck_assert_str_eq(d->class_names[3], "10");
    ck_assert_str_eq(d->notes, "the labels are not the class ids 0..3: mapped in sorted order to 0=1, 1=2, 2=3, 3=10\n");
    nn_dataset_free(d);
    d = parse_ok("1,2,-1\n3,4,1\n", NULL);
    ck_assert_int_eq(d->nclasses, 2);
    ck_assert(d->y[0] == 0 && d->y[1] == 1);
    nn_dataset_free(d);
    d = parse_ok("1,2,0\n3,4,2\n5,6,1\n", NULL);
    ck_assert_int_eq(d->nclasses, 3);
    ck_assert_ptr_null(d->class_names);
    ck_assert_ptr_null(d->notes);
    nn_dataset_free(d);
    o.labels = NN_LABELS_IDS;
    d = parse_ok("1,2,1\n3,4,3\n", &o);
    ck_assert_int_eq(d->nclasses, 4);
    ck_assert(d->y[0] == 1 && d->y[1] == 3);
    nn_dataset_free(d);
    o.labels = NN_LABELS_VALUES;
    d = parse_ok("1,2,1\n3,4,3\n", &o);
    ck_assert_int_eq(d->nclasses, 0);
    ck_assert(d->y[0] == 1 && d->y[1] == 3);
    nn_dataset_free(d);
    parse_fails("1,2,a\n3,4,b\n", &o, "t.csv:1: column 3: 'a' is not a number");
    o.labels = NN_LABELS_AUTO;

    /* Onto given classes (a model's): numbers match names of the same value; other labels are errors. */
    static const char *const cls[] = {"1", "2", "3"};
    o.classes = cls;
    o.nclasses = 3;
    d = parse_ok("1,2,3.0\n3,4,1\n", &o);
    ck_assert_int_eq(d->nclasses, 3);
    ck_assert(d->y[0] == 2 && d->y[1] == 0);
    ck_assert_str_eq(d->class_names[2], "3");
    nn_dataset_free(d);
    parse_fails("1,2,3\n3,4,7\n", &o, "t.csv:2: label '7' is not one of the classes 0=1, 1=2, 2=3");
    o.classes = NULL;
    o.nclasses = 0;

    /* A pandas index (unnamed, 0, 1, 2, ... in any order) is dropped with a note; a named one is kept. */
    d = parse_ok(",sl,sw,label\n2,5.1,3.5,0\n0,4.9,3.0,1\n1,6,3,0\n", NULL);
    assert_x(d, 3, 2, x3);
    ck_assert_str_eq(d->names[0], "sl");
    ck_assert_ptr_nonnull(strstr(d->notes, "dropped column 1: it has no name and holds a row index"));
    nn_dataset_free(d);
    d = parse_ok("id,sl,label\n0,5.1,0\n1,4.9,1\n", NULL);
    ck_assert_int_eq(d->cols, 2);
    nn_dataset_free(d);
    d = parse_ok("Unnamed: 0,sl,label\n0,5.1,0\n1,4.9,1\n", NULL);
    ck_assert_int_eq(d->cols, 1);
    nn_dataset_free(d);

    /* Dropped columns, by name and number. */
    o.drop = "id,-2";
    d = parse_ok("id,sl,sw,junk,label\n7,5.1,3.5,9,0\n8,4.9,3.0,9,1\n9,6,3,9,0\n", &o);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    o.drop = "label";
    parse_fails("a,label\n1,0\n", &o, "t.csv: drop column label is the label column");
    o.drop = NULL;

    /* Delimiters: semicolon with decimal commas, tab, runs of spaces, trailing delimiters; or forced. */
    d = parse_ok("sl;sw;label\n5,1;3,5;0\n4,9;3,0;1\n6;3;0\n", NULL);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    d = parse_ok("5.1\t3.5\t0\n4.9\t3.0\t1\n6\t3\t0\n", NULL);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    d = parse_ok("  5.1  3.5 0\n4.9 3.0\t  1  \n6 3 0\n", NULL);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    d = parse_ok("5.1,3.5,0,\n4.9,3.0,1,\n6,3,0,\n", NULL);
    assert_x(d, 3, 2, x3);
    nn_dataset_free(d);
    o.delimiter = ';';
    d = parse_ok("5,1;0\n6;1\n", &o);
    ck_assert_int_eq(d->cols, 1);
    ck_assert(d->x[0] == (nn_real)5.1 && d->x[1] == 6);
    nn_dataset_free(d);
    o.delimiter = 'x';
    parse_fails("1,2\n", &o, "t.csv: delimiter 'x' is not one of ',', ';', tab or ' ' (runs of blanks)");
    o.delimiter = 0;

    /* Headers: header only is an error that says so; a header and one row is one row. */
    parse_fails("sl,sw,label\n", NULL, "t.csv:1: no data rows: only a header line");
    parse_fails("# only\n\n", NULL, "t.csv: no data rows: the input is only blank lines and comments");
    d = parse_ok("sl,sw,label\n5.1,3.5,0\n", NULL);
    assert_x(d, 1, 2, x3);
    nn_dataset_free(d);

    /* One row to predict on: numbers only, or a text label last, is data and not a header. */
    o.labels = NN_LABELS_NONE;
    static const double x4[] = {5.1, 3.5, 1.4, 0.2};
    const char *one[] = {"5.1 3.5 1.4 0.2\n", "5.1\t3.5\t1.4\t0.2", "5.1,3.5,1.4,0.2,\n"};
    for (int i = 0; i < 3; i++) {
        d = parse_ok(one[i], &o);
        assert_x(d, 1, 4, x4);
        nn_dataset_free(d);
    }
    o.labels = NN_LABELS_IGNORE;
    d = parse_ok("5.1,3.5,1.4,0.2,setosa\n", &o);
    assert_x(d, 1, 4, x4);
    nn_dataset_free(d);
}
END_TEST

START_TEST(test_split)
{
    nn_dataset *d = numbered(101), *tr, *te, *tr2, *te2;
    ck_assert_int_eq(nn_dataset_split(d, 0.2, 7, &tr, &te), NN_OK);
    ck_assert_int_eq(te->rows, 20);
    ck_assert_int_eq(tr->rows, 81);
    ck_assert_int_eq(tr->nclasses, 3);
    ck_assert_int_eq(tr->cols, 2);
    int seen[101] = {0}, moved = 0;
    for (int i = 0; i < tr->rows; i++) seen[(int)tr->x[2 * i]]++;
    for (int i = 0; i < te->rows; i++) seen[(int)te->x[2 * i]]++;
    for (int i = 0; i < 101; i++) ck_assert_int_eq(seen[i], 1);
    for (int i = 0; i < te->rows; i++) {
        int k = (int)te->x[2 * i];
        ck_assert(te->x[2 * i + 1] == -k && te->y[i] == k % 3);
        moved += k != i;
    }
    ck_assert_int_gt(moved, 10);

    ck_assert_int_eq(nn_dataset_split(d, 0.2, 7, &tr2, &te2), NN_OK);
    assert_same(tr, tr2);
    assert_same(te, te2);
    nn_dataset_free(tr2);
    nn_dataset_free(te2);
    ck_assert_int_eq(nn_dataset_split(d, 0.2, 8, &tr2, &te2), NN_OK);
    ck_assert(memcmp(te->x, te2->x, 40 * sizeof(nn_real)) != 0);
    nn_dataset_free(tr2);
    nn_dataset_free(te2);
    nn_dataset_free(tr);
    nn_dataset_free(te);

    ck_assert_int_eq(nn_dataset_split(d, 0.0, 1, &tr, &te), NN_OK);
    ck_assert_ptr_null(te);
    ck_assert_int_eq(tr->rows, 101);
    nn_dataset_free(tr);
    ck_assert_int_eq(nn_dataset_split(d, 0.005, 1, &tr, &te), NN_OK); /* rounds to 1 test row */
    ck_assert_int_eq(te->rows, 1);
    nn_dataset_free(tr);
    nn_dataset_free(te);

    tr = te = d;
    ck_assert_int_eq(nn_dataset_split(d, 1.0, 1, &tr, &te), NN_EINVAL);
    assert_err("test fraction 1 is not in [0, 1)");
    ck_assert_ptr_null(tr);
    ck_assert_ptr_null(te);
    ck_assert_int_eq(nn_dataset_split(d, -0.1, 1, &tr, &te), NN_EINVAL);
    ck_assert_int_eq(nn_dataset_split(d, NAN, 1, &tr, &te), NN_EINVAL);
    ck_assert_int_eq(nn_dataset_split(d, 0.996, 1, &tr, &te), NN_EINVAL);
    assert_err("leaves no training rows");
    nn_dataset_free(d);
}
END_TEST

START_TEST(test_standardize)
{
    nn_dataset *d = awkward(300, 4, 0, 3);
    nn_rng r;
    nn_rng_seed(&r, 9);
    for (int i = 0; i < 300; i++) {
        d->x[4 * i] = (nn_real)(5 + 3 * nn_rng_normal(&r));
        d->x[4 * i + 1] = (nn_real)(-100 + 0.5 * nn_rng_normal(&r));
        d->x[4 * i + 2] = (nn_real)2.5; /* constant */
        d->x[4 * i + 3] = (nn_real)(i % 2); /* mean 0.5, std 0.5 exactly */
    }
    nn_real mean[4], sd[4];
    nn_dataset_fit_standardize(d, mean, sd);
    ck_assert_close(mean[2], 2.5, TOL_VAL);
    ck_assert(sd[2] == 1);
    ck_assert_close(mean[3], 0.5, TOL_VAL);
    ck_assert_close(sd[3], 0.5, TOL_VAL);
    ck_assert_close(mean[0], 5, 0.5);
    nn_dataset_standardize(d, mean, sd);
    for (int j = 0; j < 4; j++) {
        double s = 0, s2 = 0;
        for (int i = 0; i < 300; i++) s += d->x[4 * i + j];
        s /= 300;
        for (int i = 0; i < 300; i++) s2 += (d->x[4 * i + j] - s) * (d->x[4 * i + j] - s);
        s2 = sqrt(s2 / 300);
        ck_assert_msg(fabs(s) < 1e-4, "column %d mean %g", j, s);
        if (j == 2) {
            ck_assert(s2 == 0);
            ck_assert(d->x[2] == 0);
        } else
            ck_assert_msg(fabs(s2 - 1) < 1e-3, "column %d std %g", j, s2);
    }
    /* Statistics of one part applied to another: the held-out rows use the training mean and std. */
    nn_dataset *t = nn_dataset_new(1, 4);
    for (int j = 0; j < 4; j++) t->x[j] = mean[j] + 2 * sd[j];
    nn_dataset_standardize(t, mean, sd);
    for (int j = 0; j < 4; j++) ck_assert_close(t->x[j], 2, 1e-4);
    nn_dataset_free(t);
    nn_dataset_free(d);
}
END_TEST

static void class_counts(const nn_dataset *d, int *count)
{
    for (int k = 0; k < d->nclasses; k++) count[k] = 0;
    for (int i = 0; i < d->rows; i++) {
        int k = (int)d->y[i];
        ck_assert(d->y[i] == k && k >= 0 && k < d->nclasses);
        count[k]++;
    }
}

START_TEST(test_generators)
{
    const char *const *names = nn_dataset_generators();
    int ngen = 0;
    for (; names[ngen]; ngen++) {
        const char *g = names[ngen];
        int multi = strcmp(g, "blobs") == 0 || strcmp(g, "spirals") == 0;
        for (int classes = 2; classes <= (multi ? 5 : 2); classes++)
            for (int n = 1; n <= 103; n += 17) {
                nn_dataset *d = nn_dataset_generate(g, n, classes, 0.1, 5);
                ck_assert_msg(d != NULL, "%s: %s", g, nn_errmsg());
                ck_assert_int_eq(d->rows, n);
                ck_assert_int_eq(d->cols, 2);
                ck_assert_int_eq(d->nclasses, classes);
                ck_assert_ptr_null(d->names);
                int count[5];
                class_counts(d, count);
                for (int k = 0; k < classes; k++)
                    ck_assert_int_eq(count[k], n / classes + (k < n % classes));
                for (int i = 0; i < 2 * n; i++) ck_assert(isfinite(d->x[i]));
                nn_dataset *e = nn_dataset_generate(g, n, classes, 0.1, 5);
                assert_same(d, e);
                nn_dataset_free(e);
                if (n > 1) {
                    e = nn_dataset_generate(g, n, classes, 0.1, 6);
                    ck_assert_msg(memcmp(d->x, e->x, 2 * (size_t)n * sizeof(nn_real)) != 0, "%s: seeds", g);
                    nn_dataset_free(e);
                }
                nn_dataset_free(d);
            }
    }
    ck_assert_int_eq(ngen, 6);
    ck_assert_str_eq(names[0], "xor");
    ck_assert_str_eq(names[5], "checkerboard");
}
END_TEST

START_TEST(test_generator_shapes)
{
    /* xor: every point keeps the label of its corner while the noise is small. */
    nn_dataset *d = nn_dataset_generate("xor", 400, 2, 0.2, 1);
    int corner[4] = {0};
    for (int i = 0; i < 400; i++) {
        double a = d->x[2 * i], b = d->x[2 * i + 1];
        ck_assert(d->y[i] == ((a > 0) ^ (b > 0)));
        corner[(a > 0) * 2 + (b > 0)]++;
    }
    for (int c = 0; c < 4; c++) ck_assert_int_eq(corner[c], 100);
    nn_dataset_free(d);

    /* checkerboard without noise: inside [-2,2]^2 and labelled by its square. */
    d = nn_dataset_generate("checkerboard", 1000, 2, 0, 2);
    int cell[16] = {0};
    for (int i = 0; i < 1000; i++) {
        double a = d->x[2 * i], b = d->x[2 * i + 1];
        ck_assert(a >= -2 && a <= 2 && b >= -2 && b <= 2);
        int fa = (int)floor(a), fb = (int)floor(b);
        ck_assert(d->y[i] == (((fa + fb) % 2) + 2) % 2);
        cell[(fa + 2) * 4 + fb + 2]++;
    }
    for (int c = 0; c < 16; c++) ck_assert_int_gt(cell[c], 30);
    nn_dataset_free(d);
    /* Noise moves points after labelling, so some now lie in a square of the other colour. */
    d = nn_dataset_generate("checkerboard", 1000, 2, 0.3, 2);
    int wrong = 0;
    for (int i = 0; i < 1000; i++)
        wrong += d->y[i] != ((((int)floor(d->x[2 * i]) + (int)floor(d->x[2 * i + 1])) % 2) + 2) % 2;
    ck_assert_int_gt(wrong, 50);
    nn_dataset_free(d);

    /* Noise-free radii: circles 1 and 0.5, blobs 3 around the origin, moons on their unit half circles. */
    d = nn_dataset_generate("circles", 50, 2, 0, 3);
    for (int i = 0; i < 50; i++)
        ck_assert_close(hypot(d->x[2 * i], d->x[2 * i + 1]), d->y[i] ? 0.5 : 1.0, TOL_VAL);
    nn_dataset_free(d);
    d = nn_dataset_generate("blobs", 60, 3, 0, 3);
    for (int i = 0; i < 60; i++) {
        double a = 2 * 3.14159265358979323846 * d->y[i] / 3;
        ck_assert_close(d->x[2 * i], 3 * cos(a), TOL_VAL);
        ck_assert_close(d->x[2 * i + 1], 3 * sin(a), TOL_VAL);
    }
    nn_dataset_free(d);
    d = nn_dataset_generate("moons", 50, 2, 0, 3);
    for (int i = 0; i < 50; i++) {
        double a = d->x[2 * i], b = d->x[2 * i + 1];
        if (d->y[i] == 0) {
            ck_assert_close(hypot(a, b), 1, TOL_VAL);
            ck_assert(b >= 0);
        } else {
            ck_assert_close(hypot(a - 1, b - 0.5), 1, TOL_VAL);
            ck_assert(b <= 0.5 + 1e-6);
        }
    }
    nn_dataset_free(d);
    d = nn_dataset_generate("spirals", 90, 3, 0, 3);
    int at_rim = 0;
    for (int i = 0; i < 90; i++) {
        double rad = hypot(d->x[2 * i], d->x[2 * i + 1]);
        ck_assert(rad <= 1 + 1e-6);
        if (rad > 1 - 1e-6) {
            /* The end of arm k is at angle 4(k+1), measured from the x2 axis. */
            ck_assert_close(d->x[2 * i], sin(4 * (d->y[i] + 1)), 1e-5);
            at_rim++;
        }
    }
    ck_assert_int_eq(at_rim, 3);
    nn_dataset_free(d);

    /* The same seed gives the same underlying points at every noise level. */
    nn_dataset *a = nn_dataset_generate("moons", 40, 2, 0, 4), *b = nn_dataset_generate("moons", 40, 2, 0.1, 4);
    ck_assert_mem_eq(a->y, b->y, 40 * sizeof(nn_real));
    double dist = 0;
    for (int i = 0; i < 80; i++) dist = fmax(dist, fabs(a->x[i] - b->x[i]));
    ck_assert(dist > 0 && dist < 0.6);
    nn_dataset_free(a);
    nn_dataset_free(b);
}
END_TEST

START_TEST(test_generator_errors)
{
    ck_assert_ptr_null(nn_dataset_generate("donut", 10, 2, 0.1, 1));
    assert_err("unknown data generator 'donut'");
    assert_err("xor, blobs, moons, circles, spirals, checkerboard");
    ck_assert_ptr_null(nn_dataset_generate(NULL, 10, 2, 0.1, 1));
    assert_err("unknown data generator");
    ck_assert_ptr_null(nn_dataset_generate("blobs", 0, 2, 0.1, 1));
    assert_err("blobs: 0 samples, need at least 1");
    ck_assert_ptr_null(nn_dataset_generate("spirals", 10, 1, 0.1, 1));
    assert_err("spirals: 1 classes, need at least 2");
    const char *binary[] = {"xor", "moons", "circles", "checkerboard"};
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_null(nn_dataset_generate(binary[i], 10, 3, 0.1, 1));
        assert_err("a two-class task, classes must be 2 (not 3)");
    }
    ck_assert_ptr_null(nn_dataset_generate("moons", 10, 2, -0.1, 1));
    assert_err("moons: noise -0.1 must be finite and >= 0");
    ck_assert_ptr_null(nn_dataset_generate("moons", 10, 2, NAN, 1));
    assert_err("must be finite");
}
END_TEST

struct bundled {
    const char *file;
    int rows, cols, nclasses;
    const char *first_name;
    int count0;
    double x00;
};

START_TEST(test_bundled)
{
    static const struct bundled sets[] = {
        {"iris", 150, 4, 3, "sepal_length", 50, 5.1},
        {"wine", 178, 13, 3, "alcohol", 59, 14.23},
        {"breast_cancer", 569, 30, 2, "mean_radius", 212, 17.99},
        {"digits", 1797, 64, 10, "pixel_0_0", 178, 0},
    };
    const char *dir = getenv("NNLAB_SOURCE_DIR");
    ck_assert_msg(dir != NULL, "NNLAB_SOURCE_DIR is not set (ctest sets it)");
    for (int s = 0; s < 4; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/data/%s.csv", dir, sets[s].file);
        nn_dataset *d = nn_dataset_load_csv(path, -1);
        ck_assert_msg(d != NULL, "%s", nn_errmsg());
        ck_assert_int_eq(d->rows, sets[s].rows);
        ck_assert_int_eq(d->cols, sets[s].cols);
        ck_assert_int_eq(d->nclasses, sets[s].nclasses);
        ck_assert_str_eq(d->names[0], sets[s].first_name);
        ck_assert_close(d->x[0], sets[s].x00, TOL_VAL);
        int count[10];
        class_counts(d, count);
        ck_assert_int_eq(count[0], sets[s].count0);
        nn_dataset_free(d);
    }
}
END_TEST

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("data");
    tcase_add_test(tc, test_new_free_subset);
    tcase_add_test(tc, test_csv_roundtrip);
    tcase_add_test(tc, test_csv_header);
    tcase_add_test(tc, test_csv_lines);
    tcase_add_test(tc, test_csv_errors);
    tcase_add_test(tc, test_csv_user_files);
    tcase_add_test(tc, test_split);
    tcase_add_test(tc, test_standardize);
    tcase_add_test(tc, test_generators);
    tcase_add_test(tc, test_generator_shapes);
    tcase_add_test(tc, test_generator_errors);
    tcase_add_test(tc, test_bundled);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(data_suite)
