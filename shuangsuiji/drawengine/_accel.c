/*
 * Optional C accelerator for the ssj-draw-v1 ticket scan (shuangsuiji.drawengine._accel).
 *
 * SHA-256 is in _sha256.h (written from FIPS 180-4, no external library), the ticket
 * text in _ticket.h. The scan mirrors tickets._scan exactly:
 *
 *   h = int(sha256(seed_hash + id).hexdigest(), 16)   (seed_hash: 64 bytes = one block)
 *   candidate when table[h % len(table)] and not (h & mask)   (mask only tests bits the
 *   table already excludes: it is a shortcut, never a different answer)
 *
 * and returns the candidates as (ticket, index) with the full consistent-sampler ticket
 * "0." + "{:064d}".format(h)[::-1], sorted in ticket order. The fixed-width scan runs
 * without the GIL, so several threads can scan ranges of the same stratum at once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_sha256.h"
#include "_ticket.h"

/* ---- helpers ------------------------------------------------------------------------ */

#define MAX_MODULUS (1 << 24)

typedef struct {
    uint32_t mid[8];       /* state after the 64-byte seed_hash block */
    uint64_t pw[8];        /* 2**(32*(7-i)) mod modulus */
    uint64_t modulus;
    const unsigned char *table;
    unsigned int mask;
} scan_ctx;

typedef struct {
    uint64_t key;          /* the ticket's first 18 digits as a number (sort key) */
    Py_ssize_t index;
    uint32_t h[8];
} cand;

typedef struct {
    cand *items;
    size_t len, cap;
    int failed;
} cand_vec;

static int
ctx_init(scan_ctx *ctx, const Py_buffer *seed_hash, const Py_buffer *table, int mask)
{
    uint64_t r32;
    int i;

    if (seed_hash->len != 64) {
        PyErr_SetString(PyExc_ValueError, "seed_hash must be exactly 64 bytes");
        return -1;
    }
    if (table->len < 1 || table->len > MAX_MODULUS) {
        PyErr_SetString(PyExc_ValueError, "table length must be between 1 and 2**24");
        return -1;
    }
    if (mask < 0 || mask > 255) {
        PyErr_SetString(PyExc_ValueError, "mask must be between 0 and 255");
        return -1;
    }
    memcpy(ctx->mid, IV, sizeof(IV));
    compress(ctx->mid, (const unsigned char *)seed_hash->buf);
    ctx->modulus = (uint64_t)table->len;
    ctx->table = (const unsigned char *)table->buf;
    ctx->mask = (unsigned int)mask;
    r32 = ((uint64_t)1 << 32) % ctx->modulus;
    ctx->pw[7] = 1 % ctx->modulus;
    for (i = 6; i >= 0; i--) {
        ctx->pw[i] = ctx->pw[i + 1] * r32 % ctx->modulus;
    }
    return 0;
}

/* True when h (the big-endian digest words) is a candidate. Each term of the sum is
   below 2**56 and there are 8 of them, so nothing overflows 64 bits. */
static inline int
accepted(const scan_ctx *ctx, const uint32_t H[8])
{
    uint64_t r = 0;
    int i;

    if (H[7] & ctx->mask) {
        return 0;
    }
    for (i = 0; i < 8; i++) {
        r += (uint64_t)H[i] * ctx->pw[i];
    }
    return ctx->table[r % ctx->modulus] != 0;
}

/* Safe without the GIL (raw allocator). */
static void
cand_push(cand_vec *v, Py_ssize_t index, const uint32_t H[8])
{
    if (v->failed) {
        return;
    }
    if (v->len == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 1024;
        cand *items = PyMem_RawRealloc(v->items, cap * sizeof(cand));
        if (items == NULL) {
            v->failed = 1;
            return;
        }
        v->items = items;
        v->cap = cap;
    }
    v->items[v->len].index = index;
    memcpy(v->items[v->len].h, H, 32);
    v->len++;
}

/* Ticket order (as strings), then index: the order of sorted((ticket, index), ...). */
static int
cand_cmp(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;

    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    if (memcmp(a->h, b->h, sizeof(a->h)) != 0) {
        char ta[96], tb[96];
        int la = ticket_text(a->h, ta), lb = ticket_text(b->h, tb);
        int c = memcmp(ta, tb, (size_t)(la < lb ? la : lb));
        if (c != 0) {
            return c;
        }
        if (la != lb) {
            return la < lb ? -1 : 1;
        }
    }
    return a->index < b->index ? -1 : (a->index > b->index ? 1 : 0);
}

/* Needs no GIL. */
static void
cand_sort(cand_vec *v)
{
    size_t i;

    if (v->failed || v->len < 2) {
        return;
    }
    for (i = 0; i < v->len; i++) {
        v->items[i].key = ticket_key(v->items[i].h);
    }
    qsort(v->items, v->len, sizeof(cand), cand_cmp);
}

/* list of (ticket, index) in ticket order; frees the vector */
static PyObject *
cand_result(cand_vec *v)
{
    PyObject *list = NULL;
    size_t i;
    char text[96];

    if (v->failed) {
        PyErr_NoMemory();
        goto done;
    }
    list = PyList_New((Py_ssize_t)v->len);
    if (list == NULL) {
        goto done;
    }
    for (i = 0; i < v->len; i++) {
        Py_ssize_t len = ticket_text(v->items[i].h, text);
        PyObject *item = Py_BuildValue("(s#n)", text, len, v->items[i].index);
        if (item == NULL) {
            Py_CLEAR(list);
            goto done;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
done:
    PyMem_RawFree(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
    return list;
}

/* ---- module functions --------------------------------------------------------------- */

PyDoc_STRVAR(scan_doc,
"scan(seed_hash, blob, first, stride, width, start, stop, table, mask)\n"
"    -> (candidates, ordered)\n\n"
"Fixed-width ids: id i is blob[first + stride*i : first + stride*i + width].\n"
"For i in range(start, stop) hash seed_hash (64 bytes) + id i and keep (ticket, i)\n"
"when table[h % len(table)] and not (h & mask); candidates come in ticket order (ties\n"
"by index). `ordered` is False when some id in the range is not greater than the one\n"
"before it (id start-1 included). The GIL is released while hashing and sorting.");

static PyObject *
accel_scan(PyObject *self, PyObject *args)
{
    Py_buffer seed = {0}, blob = {0}, table = {0};
    Py_ssize_t first, stride, width, start, stop, i;
    int mask, ordered = 1;
    scan_ctx ctx;
    cand_vec found = {NULL, 0, 0, 0};
    unsigned char *tail = NULL;
    size_t blocks = 0;
    PyObject *list, *result = NULL;

    if (!PyArg_ParseTuple(args, "y*y*nnnnny*i:scan", &seed, &blob, &first, &stride, &width,
                          &start, &stop, &table, &mask)) {
        return NULL;
    }
    if (ctx_init(&ctx, &seed, &table, mask) < 0) {
        goto done;
    }
    if (width < 1 || stride < width || first < 0 || start < 0 || stop < start ||
        (stop > start && (stop - 1 > (PY_SSIZE_T_MAX - first - width) / stride ||
                          first + stride * (stop - 1) + width > blob.len))) {
        PyErr_SetString(PyExc_ValueError, "id range outside the buffer");
        goto done;
    }
    blocks = ((size_t)width + 9 + 63) / 64;
    tail = PyMem_Calloc(blocks, 64);
    if (tail == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    tail[width] = 0x80;
    store_length(tail + blocks * 64 - 8, 64 + (uint64_t)width);

    Py_BEGIN_ALLOW_THREADS
    {
        const unsigned char *base = (const unsigned char *)blob.buf + first;
        const unsigned char *prev = start ? base + stride * (start - 1) : NULL;
        uint32_t H[8];
        size_t b;

        for (i = start; i < stop; i++) {
            const unsigned char *cur = base + stride * i;
            if (prev != NULL && memcmp(cur, prev, (size_t)width) <= 0) {
                ordered = 0;
            }
            prev = cur;
            memcpy(tail, cur, (size_t)width);
            memcpy(H, ctx.mid, sizeof(H));
            for (b = 0; b < blocks; b++) {
                compress(H, tail + 64 * b);
            }
            if (accepted(&ctx, H)) {
                cand_push(&found, i, H);
            }
        }
        cand_sort(&found);
    }
    Py_END_ALLOW_THREADS

    list = cand_result(&found);
    if (list != NULL) {
        result = Py_BuildValue("(NO)", list, ordered ? Py_True : Py_False);
    }
done:
    PyMem_Free(tail);
    PyMem_RawFree(found.items);
    PyBuffer_Release(&seed);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&table);
    return result;
}

PyDoc_STRVAR(scan_strs_doc,
"scan_strs(seed_hash, ids, start, stop, table, mask) -> candidates\n\n"
"Like scan() for a sequence of str of any length (hashed as UTF-8); holds the GIL.");

static PyObject *
accel_scan_strs(PyObject *self, PyObject *args)
{
    Py_buffer seed = {0}, table = {0};
    PyObject *ids, *seq = NULL, *result = NULL;
    Py_ssize_t start, stop, i;
    int mask;
    scan_ctx ctx;
    cand_vec found = {NULL, 0, 0, 0};

    if (!PyArg_ParseTuple(args, "y*Onny*i:scan_strs", &seed, &ids, &start, &stop, &table,
                          &mask)) {
        return NULL;
    }
    if (ctx_init(&ctx, &seed, &table, mask) < 0) {
        goto done;
    }
    seq = PySequence_Fast(ids, "ids must be a sequence");
    if (seq == NULL) {
        goto done;
    }
    if (start < 0 || stop < start || stop > PySequence_Fast_GET_SIZE(seq)) {
        PyErr_SetString(PyExc_ValueError, "id range outside the sequence");
        goto done;
    }
    for (i = start; i < stop; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        const char *data;
        Py_ssize_t len;
        uint32_t H[8];

        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "ids must be str, not %.100s",
                         Py_TYPE(item)->tp_name);
            goto done;
        }
        data = PyUnicode_AsUTF8AndSize(item, &len);
        if (data == NULL) {
            goto done;
        }
        memcpy(H, ctx.mid, sizeof(H));
        sha256_finish(H, 64, (const unsigned char *)data, (size_t)len);
        if (accepted(&ctx, H)) {
            cand_push(&found, i, H);
        }
    }
    cand_sort(&found);
    result = cand_result(&found);
done:
    Py_XDECREF(seq);
    PyMem_RawFree(found.items);
    PyBuffer_Release(&seed);
    PyBuffer_Release(&table);
    return result;
}

PyDoc_STRVAR(sha256_ids_doc,
"sha256_ids(seed_hash, ids, width) -> bytes\n\n"
"The concatenated 32-byte SHA-256 digests of seed_hash (64 bytes) + id for each\n"
"width-byte id packed back to back in ids, through the scan's code path (for tests).");

static PyObject *
accel_sha256_ids(PyObject *self, PyObject *args)
{
    Py_buffer seed = {0}, ids = {0};
    Py_ssize_t width, count, i;
    uint32_t mid[8];
    PyObject *out = NULL;

    if (!PyArg_ParseTuple(args, "y*y*n:sha256_ids", &seed, &ids, &width)) {
        return NULL;
    }
    if (seed.len != 64 || width < 1 || ids.len % width) {
        PyErr_SetString(PyExc_ValueError,
                         "need a 64-byte seed_hash and a whole number of width-byte ids");
        goto done;
    }
    count = ids.len / width;
    out = PyBytes_FromStringAndSize(NULL, 32 * count);
    if (out == NULL) {
        goto done;
    }
    memcpy(mid, IV, sizeof(IV));
    compress(mid, (const unsigned char *)seed.buf);
    for (i = 0; i < count; i++) {
        unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out) + 32 * i;
        uint32_t H[8];
        int k;

        memcpy(H, mid, sizeof(H));
        sha256_finish(H, 64, (const unsigned char *)ids.buf + width * i, (size_t)width);
        for (k = 0; k < 8; k++) {
            store_be32(dst + 4 * k, H[k]);
        }
    }
done:
    PyBuffer_Release(&seed);
    PyBuffer_Release(&ids);
    return out;
}

PyDoc_STRVAR(sha256_doc, "sha256(data) -> bytes\n\nThe SHA-256 digest of data (for tests).");

static PyObject *
accel_sha256(PyObject *self, PyObject *args)
{
    Py_buffer data = {0};
    uint32_t H[8];
    unsigned char digest[32];
    int k;

    if (!PyArg_ParseTuple(args, "y*:sha256", &data)) {
        return NULL;
    }
    memcpy(H, IV, sizeof(IV));
    sha256_finish(H, 0, (const unsigned char *)data.buf, (size_t)data.len);
    PyBuffer_Release(&data);
    for (k = 0; k < 8; k++) {
        store_be32(digest + 4 * k, H[k]);
    }
    return PyBytes_FromStringAndSize((const char *)digest, 32);
}

PyDoc_STRVAR(ticket_doc, "ticket(h) -> str\n\nThe ticket of a 32-byte digest (for tests).");

static PyObject *
accel_ticket(PyObject *self, PyObject *args)
{
    Py_buffer digest = {0};
    uint32_t H[8];
    char text[96];
    int k;

    if (!PyArg_ParseTuple(args, "y*:ticket", &digest)) {
        return NULL;
    }
    if (digest.len != 32) {
        PyBuffer_Release(&digest);
        PyErr_SetString(PyExc_ValueError, "digest must be 32 bytes");
        return NULL;
    }
    for (k = 0; k < 8; k++) {
        H[k] = load_be32((const unsigned char *)digest.buf + 4 * k);
    }
    PyBuffer_Release(&digest);
    return PyUnicode_FromStringAndSize(text, ticket_text(H, text));
}

#define MAX_RUNS 64

PyDoc_STRVAR(has_duplicate_doc,
"has_duplicate(blobs, first, stride, width) -> bool\n\n"
"Merge the fixed-width id lists (laid out as in scan(); at most 64 of them, each\n"
"ascending) and tell whether any id occurs twice, in one list or in two. Never a false\n"
"True; a False is only meaningful when every list is ascending. Runs without the GIL.");

static PyObject *
accel_has_duplicate(PyObject *self, PyObject *args)
{
    PyObject *blobs, *seq = NULL, *result = NULL;
    Py_ssize_t first, stride, width, k = 0, got = 0, j;
    Py_buffer views[MAX_RUNS];
    const unsigned char *next[MAX_RUNS];
    Py_ssize_t left[MAX_RUNS];
    int dup = 0;

    if (!PyArg_ParseTuple(args, "Onnn:has_duplicate", &blobs, &first, &stride, &width)) {
        return NULL;
    }
    if (width < 1 || stride < width || first < 0) {
        PyErr_SetString(PyExc_ValueError, "bad id layout");
        return NULL;
    }
    seq = PySequence_Fast(blobs, "blobs must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    k = PySequence_Fast_GET_SIZE(seq);
    if (k > MAX_RUNS) {
        PyErr_SetString(PyExc_ValueError, "at most 64 id lists");
        goto done;
    }
    for (got = 0; got < k; got++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(seq, got), &views[got],
                               PyBUF_SIMPLE) < 0) {
            goto done;
        }
        left[got] = views[got].len >= first + width
                        ? (views[got].len - first - width) / stride + 1 : 0;
        next[got] = (const unsigned char *)views[got].buf + (left[got] ? first : 0);
    }
    Py_BEGIN_ALLOW_THREADS
    {
        const unsigned char *prev = NULL;
        for (;;) {
            Py_ssize_t best = -1;
            for (j = 0; j < k; j++) {
                if (left[j] > 0 &&
                    (best < 0 || memcmp(next[j], next[best], (size_t)width) < 0)) {
                    best = j;
                }
            }
            if (best < 0) {
                break;
            }
            if (prev != NULL && memcmp(prev, next[best], (size_t)width) == 0) {
                dup = 1;
                break;
            }
            prev = next[best];
            if (--left[best] > 0) {
                next[best] += stride;
            }
        }
    }
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(dup);
done:
    for (j = 0; j < got; j++) {
        PyBuffer_Release(&views[j]);
    }
    Py_DECREF(seq);
    return result;
}

PyDoc_STRVAR(sha_ni_doc,
"sha_ni(enable=None) -> bool\n\n"
"Whether the SHA-256 code uses the CPU's SHA extensions (chosen at import when the\n"
"CPU has them; both give the same digests). enable=False forces the portable C code,\n"
"enable=True turns them back on where available (for tests and benchmarks).");

static PyObject *
accel_sha_ni(PyObject *self, PyObject *args)
{
    int enable = -1;

    if (!PyArg_ParseTuple(args, "|p:sha_ni", &enable)) {
        return NULL;
    }
#ifdef SSJ_HAVE_SHA_NI
    if (enable >= 0) {
        use_sha_ni = enable && sha_ni_available();
    }
#endif
    return PyBool_FromLong(use_sha_ni);
}

static PyMethodDef accel_methods[] = {
    {"sha_ni", accel_sha_ni, METH_VARARGS, sha_ni_doc},
    {"has_duplicate", accel_has_duplicate, METH_VARARGS, has_duplicate_doc},
    {"scan", accel_scan, METH_VARARGS, scan_doc},
    {"scan_strs", accel_scan_strs, METH_VARARGS, scan_strs_doc},
    {"sha256_ids", accel_sha256_ids, METH_VARARGS, sha256_ids_doc},
    {"sha256", accel_sha256, METH_VARARGS, sha256_doc},
    {"ticket", accel_ticket, METH_VARARGS, ticket_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef accel_module = {
    PyModuleDef_HEAD_INIT,
    "shuangsuiji.drawengine._accel",
    "C accelerator for the ssj-draw-v1 ticket scan (SHA-256 per FIPS 180-4).",
    -1,
    accel_methods,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit__accel(void)
{
#ifdef SSJ_HAVE_SHA_NI
    use_sha_ni = sha_ni_available();
#endif
    return PyModule_Create(&accel_module);
}
