/* nnlab/export.h: NN_API marks what libnnlab exports. The library is built with -fvisibility=hidden, so
 * libnnlab.so exports exactly the functions declared with NN_API in these headers and nothing internal. */
#ifndef NNLAB_EXPORT_H
#define NNLAB_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define NN_API __attribute__((visibility("default")))
#else
#define NN_API
#endif

#endif
